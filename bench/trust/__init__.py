"""The parts of the trust bench/orgscale.py builds: its shape, teams, people and their roster history, evidence,
and the wipe before it."""
