"""simulate(): build the world, run the days, write files and truth, summarise."""

from __future__ import annotations

import logging
import shutil
from contextlib import nullcontext
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ingestion.contracts import SOURCES
from ingestion.simulator import truth as tr
from ingestion.simulator.config import from_day_number, get_scale
from ingestion.simulator.output import TruthWriter
from ingestion.simulator.run import Simulation
from ingestion.simulator.summary import SimulationSummary
from ingestion.simulator.world import build_world

log = logging.getLogger(__name__)


def _fresh(path: Path) -> None:
    if path.exists():
        shutil.rmtree(path)
    path.mkdir(parents=True)


def simulate(landing_dir: Path, truth_dir: Path, *, scale: str = "demo", seed: int = 42,
             progress: bool = False) -> SimulationSummary:
    """Wipe landing_dir and truth_dir and write a whole simulated period into them."""
    cfg = get_scale(scale)
    landing_dir, truth_dir = Path(landing_dir), Path(truth_dir)
    _fresh(landing_dir)
    _fresh(truth_dir)
    for source in SOURCES:
        (landing_dir / source).mkdir()
    bar = (Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                    console=Console(stderr=True)) if progress else nullcontext())
    with bar:
        task = bar.add_task("building customers and vehicles", total=None) if progress else None
        world = build_world(cfg, seed)
        tw = TruthWriter(truth_dir)
        sim = Simulation(world, landing_dir, tw)
        first = world.crm_rows["crm__ownerships"].frame
        first_ownerships = {k: first[k] for k in ("vin", "owned_from", "_party")}
        if progress:
            bar.update(task, description=f"simulating {cfg.days} days", total=cfg.days, completed=0)
        for day in range(cfg.first_day, cfg.first_day + cfg.days):
            sim.step(day)
            if progress:
                bar.advance(task)
        if progress:
            bar.update(task, description="12 months of future purchases (truth)", total=cfg.future_days, completed=0)
        world.crm_rows.clear()  # every row is written: free the history before the truth is assembled
        sim.release()
        morning = cfg.first_day + cfg.days  # the signals as they stand after the last day, before the future runs
        signals = (sim.life.churn_hazard(morning), sim.life.purchase_rates(morning))
        future = []
        for day in range(cfg.first_day + cfg.days, cfg.first_day + cfg.days + cfg.future_days):
            sim.life.churn(day)
            future.append(sim.life.purchases(day, future=True))
            if progress:
                bar.advance(task)
    tr.write_static(tw, world, sim.life, sim.openings, first_ownerships)
    tr.write_churn(tw, sim.life, cfg.first_day + cfg.days - 1)
    tr.write_leads(tw, world.lead_truth)
    tr.write_signals(tw, *signals)
    tr.write_future(tw, future)
    tw.close()
    (truth_dir / "mess.json").write_text(sim.mess.manifest(), encoding="utf-8")
    counts: dict[str, int] = {}
    for item in sim.mess.items:
        counts[item.kind] = counts.get(item.kind, 0) + 1
    return SimulationSummary(
        scale=cfg.name, seed=seed, first_day=str(cfg.start), last_day=str(from_day_number(cfg.first_day + cfg.days - 1)),
        files=dict(sim.stats.files), rows=dict(sim.stats.rows), bytes_written=sim.stats.bytes,
        mess=dict(sorted(counts.items())), truth=dict(tw.rows),
        defects=[f"{d.defect_id}: {world.vehicles.batch[m][0] if len(m) else ''} {d.component} x{d.multiplier:.1f} from "
                 f"{from_day_number(d.onset_day)} ({len(m)} vehicles)" for d, m in zip(world.defects, world.members, strict=True)],
    )
