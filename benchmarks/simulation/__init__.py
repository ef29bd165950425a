"""Simulation study of the readiness model and exam-date mode: `python -m benchmarks.simulation`."""
