"""Signals: trigger rules that watch every shop's numbers (DOMAIN.md part 4, issue 5).

The modules here are pure — they import no Django models and read plain Polars frames:

- ``rules``: the rule language, parsed safely from YAML/JSON; ``defaults``: the default pack;
- ``evaluate``: the vectorised evaluator and the full-history ``backtest``;
- ``daily``: ``advance`` — one new day from the state carried from the day before;
- ``episodes``: episodes, events, cooldown and silences;
- ``folder``: reading a data folder; ``cli``: ``steward signals backtest``.
"""
