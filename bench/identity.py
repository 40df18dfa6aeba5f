"""Identity matching at scale: the hub's matcher end to end against plain Splink on the same records.

    .venv/bin/python bench/identity.py --records 100000 [--work /tmp/identity-bench] [--seed 7]

Writes N CRM person records (persons with one to three extra records each, carrying the typos
CRM duplicates carry: a given-name character substituted, added or swapped, a missing birth
date, another street, a surname typed as a homophone) into `raw.crm__customers` of a work
warehouse, then runs, each in a process of its own so that peak memory is its own:

- hub: `run_identity_matching` (models/identity/crm.py), what the Dagster asset
  `models/identity_pairs` runs: read the raw CRM, shape records, train Splink (prior, u, EM
  twice), score every blocked pair, write the accepted pairs and the trained model;
- splink: a minimal Splink linker on the same shaped records, the baseline: exact name,
  birth date and city comparisons, one blocking rule (name), u by sampling, one EM round.

Prints, per phase, seconds (wall, and CPU of all the process's threads), peak memory (RSS) and pairwise precision/recall against the
generator's truth, then the ratio hub/splink of seconds and of memory.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import duckdb  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁"
HOMOPHONES = {"刘": "柳", "李": "黎", "王": "汪", "张": "章", "陈": "程", "黄": "王", "徐": "许", "周": "邹"}
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红燕鹏辉建国文斌博宇浩晨雪梅林东海峰波龙"
CITIES = (("山东省", "济南"), ("山东省", "青岛"), ("江苏省", "苏州"), ("广东省", "广州"), ("浙江省", "杭州"),
          ("辽宁省", "沈阳"), ("湖南省", "长沙"), ("陕西省", "西安"), ("四川省", "成都"), ("河北省", "石家庄"))
DISTRICTS = ("城北区", "城南区", "高新区", "经开区", "新区", "工业园区")
STREETS = ("人民路", "解放路", "中山路", "建设路", "和平路", "长江路", "黄河路", "胜利路", "新华路", "朝阳路")


def _typo(rng: random.Random, given: str) -> str:
    kind = rng.choice(("substitute", "add", "swap"))
    if kind == "swap" and len(given) == 2:
        return given[::-1]
    if kind == "add" and len(given) == 1:
        return given + rng.choice(GIVEN)
    position = rng.randrange(len(given))
    return given[:position] + rng.choice(GIVEN) + given[position + 1:]


def generate(n: int, seed: int) -> pd.DataFrame:
    """`n` raw CRM person records and, in `person_id`, whose they are."""
    rng = random.Random(seed)
    rows: list[dict] = []
    person = 0
    while len(rows) < n:
        person += 1
        surname = rng.choice(SURNAMES)
        given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2, 2))))
        province, city = rng.choice(CITIES)
        street = rng.choice(DISTRICTS) + rng.choice(STREETS)
        number = rng.randint(1, 400)
        born = date(1950, 1, 1) + timedelta(days=rng.randrange(20_000))
        copies = 1 + (rng.choice((1, 1, 2, 3)) if rng.random() < 0.3 else 0)
        for copy in range(copies):
            name_given, name_surname, record_street, birth = given, surname, street, born
            if copy:
                change = rng.random()
                if change < 0.4:
                    name_given = _typo(rng, given)
                elif change < 0.5:
                    name_surname = HOMOPHONES.get(surname, surname)
                if rng.random() < 0.4:
                    birth = None
                if rng.random() < 0.2:
                    record_street = rng.choice(DISTRICTS) + rng.choice(STREETS)
            rows.append({
                "customer_id": f"C{len(rows) + 1:09d}",
                "person_id": person,
                "customer_type": "person",
                "name": name_surname + name_given,
                "province": province,
                "city": city,
                "address": f"{province}{city}市{record_street}{number}号",
                "birth_date": birth,
                "updated_at": pd.Timestamp("2026-01-01"),
                "_ingested_at": pd.Timestamp("2026-01-02"),
                "_line": len(rows) + 2,
            })
    frame = pd.DataFrame(rows[:n])
    frame["birth_date"] = pd.to_datetime(frame["birth_date"])
    return frame


def scores(record_ids: pd.Series, pairs: pd.DataFrame, truth: pd.DataFrame) -> tuple[float, float]:
    """Pairwise precision and recall of the connected components of `pairs` (left_id, right_id)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    from models.identity.evaluation import pair_scores

    index = {record_id: i for i, record_id in enumerate(record_ids)}
    left, right = pairs["left_id"].map(index).to_numpy(), pairs["right_id"].map(index).to_numpy()
    matrix = coo_matrix((np.ones(len(left)), (left, right)), shape=(len(index), len(index)))
    _, labels = connected_components(matrix, directed=False)
    result = pair_scores(pd.DataFrame({"crm_customer_id": record_ids, "customer_id": labels}), truth)
    return result.precision, result.recall


def run_hub(work: Path) -> tuple[pd.Series, pd.DataFrame, dict]:
    from hub import warehouse
    from hub.settings import Settings
    from models.identity.crm import PAIRS_TABLE, run_identity_matching

    settings = Settings(data_dir=work / "var")
    with warehouse.connect(settings, path=work / "warehouse.duckdb") as con:
        run = run_identity_matching(con, settings)
        pairs = con.execute(f"select left_crm_customer_id as left_id, right_crm_customer_id as right_id "
                            f"from models.{PAIRS_TABLE}").df()
        ids = con.execute("select customer_id from raw.crm__customers").df()["customer_id"]
    return ids, pairs, {"scored_pairs": run.metrics.get("scored_pairs", 0.0), "published": run.published}


def run_splink(work: Path) -> tuple[pd.Series, pd.DataFrame, dict]:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from models.identity.crm import crm_records

    with duckdb.connect(str(work / "warehouse.duckdb"), read_only=True) as con:
        records = crm_records(con)
    db = DuckDBAPI(duckdb.connect())
    frame = db.register(records[["unique_id", "full_name", "birth_date", "city"]].astype("string"), table_name="r")
    linker = Linker(frame, SettingsCreator(
        link_type="dedupe_only",
        comparisons=[cl.ExactMatch("full_name"), cl.ExactMatch("birth_date"), cl.ExactMatch("city")],
        blocking_rules_to_generate_predictions=[block_on("full_name")],
    ), log_level="ERROR")
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=42)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("birth_date"))
    predicted = linker.inference.predict(threshold_match_probability=0.99).as_pandas_dataframe()
    pairs = predicted.rename(columns={"unique_id_l": "left_id", "unique_id_r": "right_id"})[["left_id", "right_id"]]
    return records["unique_id"], pairs, {"scored_pairs": float(len(predicted))}


def _cpu_seconds() -> float:
    """CPU time of this process, all threads (DuckDB's too): steadier than wall time on a shared machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def phase(name: str, work: Path) -> None:
    """One phase in this process: print its figures as one JSON line."""
    started, cpu_started = time.perf_counter(), _cpu_seconds()
    ids, pairs, extra = (run_hub if name == "hub" else run_splink)(work)
    seconds, cpu = time.perf_counter() - started, _cpu_seconds() - cpu_started
    peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    truth = pd.read_parquet(work / "truth.parquet")
    precision, recall = scores(ids, pairs, truth[truth["customer_id"].isin(set(ids))])
    print(json.dumps({"phase": name, "seconds": seconds, "cpu_seconds": cpu, "peak_mib": peak_mib, "pairs": len(pairs),
                      "precision": precision, "recall": recall, **extra}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--work", type=Path, default=Path("/tmp/identity-bench"))
    parser.add_argument("--phase", choices=("hub", "splink"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        phase(args.phase, args.work)
        return
    if args.records < 100:
        parser.error("--records: at least 100 (the matcher trains no model on fewer than 50 persons)")
    args.work.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    records = generate(args.records, args.seed)
    (args.work / "warehouse.duckdb").unlink(missing_ok=True)
    with duckdb.connect(str(args.work / "warehouse.duckdb")) as con:
        con.execute("create schema raw")
        con.register("generated", records.drop(columns="person_id"))
        con.execute("create table raw.crm__customers as select * from generated")
    records[["customer_id", "person_id"]].astype("string").to_parquet(args.work / "truth.parquet")
    persons = records["person_id"].nunique()
    print(f"records: {len(records):,} of {persons:,} persons, written in {time.perf_counter() - started:.1f} s")
    figures = {}
    for name in ("splink", "hub"):
        proc = subprocess.run([sys.executable, __file__, "--phase", name, "--work", str(args.work)],
                              capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            sys.exit(f"phase {name} failed:\n{proc.stderr[-3000:]}")
        figures[name] = json.loads(proc.stdout.strip().splitlines()[-1])
        f = figures[name]
        print(f"{name}: {f['seconds']:.1f} s (cpu {f['cpu_seconds']:.1f} s), peak {f['peak_mib']:,.0f} MiB, "
              f"pairs accepted {f['pairs']:,}, "
              f"precision {f['precision']:.4f}, recall {f['recall']:.4f}")
    hub, splink = figures["hub"], figures["splink"]
    print(f"ratio hub/splink: seconds {hub['seconds'] / splink['seconds']:.2f}, "
          f"cpu {hub['cpu_seconds'] / splink['cpu_seconds']:.2f}, peak memory {hub['peak_mib'] / splink['peak_mib']:.2f}")


if __name__ == "__main__":
    main()
