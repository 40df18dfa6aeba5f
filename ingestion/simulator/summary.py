"""What a simulation run wrote: files and rows per entity, injected mess, ground truth."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class SimulationSummary:
    scale: str
    seed: int
    first_day: str
    last_day: str
    files: dict[str, int] = field(default_factory=dict)  # per contract name
    rows: dict[str, int] = field(default_factory=dict)
    bytes_written: int = 0
    mess: dict[str, int] = field(default_factory=dict)  # per mess kind
    truth: dict[str, int] = field(default_factory=dict)  # rows per truth table
    defects: list[str] = field(default_factory=list)

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    def describe(self) -> str:
        lines = [
            f"Simulated {self.scale} scale, seed {self.seed}: {self.first_day} .. {self.last_day}",
            f"{sum(self.files.values())} files, {self.total_rows:,} rows, {self.bytes_written / 2**20:,.1f} MiB",
            "",
            f"{'entity':<26}{'files':>7}{'rows':>14}",
        ]
        lines += [f"{name:<26}{self.files.get(name, 0):>7}{self.rows.get(name, 0):>14,}" for name in self.rows]
        lines += ["", "mess injected (see truth/mess.json):"]
        lines += [f"  {kind:<20}{count:>6}" for kind, count in self.mess.items()]
        lines += ["", "ground truth tables:"]
        lines += [f"  {name:<20}{count:>12,}" for name, count in self.truth.items()]
        lines += ["", "field defects:"] + [f"  {d}" for d in self.defects]
        return "\n".join(lines)
