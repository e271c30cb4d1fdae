"""Store Steward: the shared system of record between a merchant and the agency that runs its shop."""
