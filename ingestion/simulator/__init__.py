"""The upstream-system simulator: CRM, ACD, ticketing and telematics exports with their truth.

    from ingestion.simulator import simulate
    summary = simulate(landing_dir, truth_dir, scale="demo", seed=42)

Same seed, same bytes. The generative rules are documented in docs/simulator.md.
"""

from ingestion.simulator.api import simulate
from ingestion.simulator.summary import SimulationSummary

__all__ = ["SimulationSummary", "simulate"]
