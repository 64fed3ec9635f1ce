"""The pieces of bench/faults.py: a throw-away PostgreSQL, the served plant, partner clients, faults, the audit."""
