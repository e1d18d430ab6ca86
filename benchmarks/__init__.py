"""`make bench`: the performance budgets, measured (never asserted in tests): preflight per stack,
the gate's share, the cost of a service, the audit scan."""
