"""`make bench`: the budgets of DESIGN §12, measured (never asserted in tests)."""
