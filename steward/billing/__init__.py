"""Contracts and monthly settlement (费用结算).

The modules here are pure: they import no Django and read no database, so the same arithmetic
serves the `steward settle` command, the statements in the app and the tests.

- `contract`   the structured contract: clauses, loading from YAML with errors naming the clause
               and field, checks and warnings, readable text in Chinese and English;
- `figures`    the month's figures a statement is computed from (and their validation);
- `settlement` the arithmetic: one statement line per clause, each exact to the fen;
- `money`      rounding to the fen and how amounts, rates and ratios are written;
- `cli`        `steward settle` and `steward contract check|show`.
"""
