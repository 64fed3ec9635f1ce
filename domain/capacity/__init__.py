"""One capacity truth shared by every feature: line hours and the working calendar, the capacity ledger with its
reservations (what is planned, promised, reserved for rush orders and free per line-week), and its checker.
It uses no feature folder (orders, floor, planning, kpis): they use it."""
