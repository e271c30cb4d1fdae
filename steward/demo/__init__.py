"""The demo data set: one agency, four client shops at four stages, and a merchant on its own.

- ``scenario``: the seed, the calendar (2026-05-25 .. 2026-11-20) and the planted situations;
- ``cast``: organisations, people, shops, products, campaigns and engagements;
- ``generator``: 180 days of consistent numbers as plain rows (no database);
- ``loading``: ``load_demo`` writes them idempotently, ``demo_logins`` lists who sees what;
- ``export``: the same rows as back-office export files (FORMATS.md "A data folder");
- ``cli``: ``steward demo load | logins | export``.
"""
