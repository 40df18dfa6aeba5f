"""One settings object, read once from the environment (prefix HUB_) and .env."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEV_ID_HASH_KEY = "cs-hub-development-key-not-for-production"


class RateLimit(BaseModel):
    """One role's API limits per key (docs/api.md "Rate limits")."""

    # a token bucket: refilled at per_second, holding at most burst; every operation of a
    # request, and every top-level field (alias) of it, takes one token
    per_second: float = Field(gt=0)
    burst: int = Field(ge=1)
    # lookups that find nobody, per key in any 60 s: one more raises a security event and
    # blocks the key for api_miss_block_seconds
    misses_per_minute: int = Field(ge=1)


# A desk takes a call a minute; the contact engine looks up every inbound call of the center.
DEFAULT_RATE_LIMITS = {
    "agent": RateLimit(per_second=5, burst=100, misses_per_minute=20),
    "contact_engine": RateLimit(per_second=200, burst=1_000, misses_per_minute=600),
    "marketer": RateLimit(per_second=10, burst=200, misses_per_minute=20),  # pages through lists
    "sales": RateLimit(per_second=10, burst=200, misses_per_minute=20),  # pages through leads, writes statuses
    "rnd": RateLimit(per_second=10, burst=100, misses_per_minute=60),
    "executive": RateLimit(per_second=5, burst=50, misses_per_minute=20),
    "supervisor": RateLimit(per_second=5, burst=50, misses_per_minute=20),
    "dispatcher": RateLimit(per_second=10, burst=100, misses_per_minute=60),
    "privacy": RateLimit(per_second=2, burst=20, misses_per_minute=10),
    "steward": RateLimit(per_second=5, burst=50, misses_per_minute=20),
    "admin": RateLimit(per_second=20, burst=200, misses_per_minute=60),
}


class Settings(BaseSettings):
    """Where the hub keeps its data and how it behaves.

    Every path and URL the code uses comes from here. Defaults give an embedded
    deployment under ./var: a DuckDB warehouse, SQLite serving and ops stores.
    """

    model_config = SettingsConfigDict(env_prefix="HUB_", env_file=".env", extra="ignore")

    env: Literal["development", "production"] = "development"
    data_dir: Path = Path("var")
    scale: Literal["demo", "mid", "bench"] = "demo"
    seed: int = 42

    warehouse_path: Path | None = None
    # The engine dbt builds the warehouse on (transforms/profiles.yml reads the same
    # HUB_WAREHOUSE_ENGINE); on Spark, raw data is the Parquet copy ingestion writes of each
    # loaded batch under raw_parquet_dir (docs/scale-out.md). Setting raw_parquet_dir alone
    # writes that copy beside a DuckDB build too.
    warehouse_engine: Literal["duckdb", "postgres", "spark"] = "duckdb"
    raw_parquet_dir: Path | None = None
    serving_url: str | None = None
    ops_url: str | None = None
    # Dagster's run, event-log and schedule storage: SQLite files under DAGSTER_HOME unless a
    # PostgreSQL URL is given, which the webserver, the daemon and every run then share
    # (docs/orchestration.md "Deployment").
    dagster_storage_url: SecretStr | None = None
    # How runs execute their steps: all in one process, or each step in its own process
    # (Dagster's multiprocess executor, one step at a time on the DuckDB warehouse).
    dagster_executor: Literal["in_process", "multiprocess"] = "in_process"

    # Key of the HMAC that replaces id-card numbers: the number itself is never stored.
    id_hash_key: SecretStr = SecretStr(DEV_ID_HASH_KEY)

    # Identity guards (docs/design.md "Identity").
    identity_max_customers_per_identifier: int = Field(default=3, ge=1)
    # A pair sharing a phone, e-mail or id card is in conflict (the identifier links nothing) when
    # Splink's evidence from its fields, in bits, is below this (docs/identity.md "The graph").
    identity_conflict_evidence_weight: float = 0.0
    # Splink pairs at or above this match probability link two records (fixed up front, never
    # tuned on evaluation data: docs/identity.md "Probabilistic matching").
    identity_match_probability: float = Field(default=0.99, gt=0.0, lt=1.0)
    # Quality-gate floors that assume the CRM exports phones (docs/ingestion.md): a CRM
    # without phones sets them to 0, else its profiles (found by phone) never publish.
    gate_min_profile_phone_share: float = Field(default=0.9, ge=0, le=1)
    gate_min_identified_call_share: float = Field(default=0.3, ge=0, le=1)
    gate_max_crm_phone_null_share: float = Field(default=0.10, ge=0, le=1)
    # Late rows up to this many days old are picked up by incremental builds.
    incremental_window_days: int = Field(default=3, ge=0)

    duckdb_memory_limit: str = "6GB"
    # dbt runs its two heaviest models (calls, telematics days) side by side in one DuckDB
    # instance: under ~12 GB together they spill to disk and take 2.4x as long at bench scale
    dbt_memory_limit: str = "12GB"
    duckdb_threads: int = Field(default=2, ge=1)

    # Models (docs/models.md): the horizon they predict and backtest over, and the floor each
    # run's held-out metric must reach for its output to be published (else the previous stays).
    model_horizon_days: int = Field(default=30, ge=7)
    model_min_churn_auc: float = 0.5
    model_min_cross_sell_auc: float = 0.6
    model_min_value_correlation: float = 0.1

    # Marketing (docs/marketing.md): days after a declined offer during which the product is
    # not offered to that customer again (0: a decline suppresses nothing).
    marketing_decline_suppression_days: int = Field(default=90, ge=0)

    # Retention (PIPL; docs/privacy.md "Retention"): days each store keeps what it holds,
    # enforced by the daily Dagster job `retention`. Landing files go once ingested and older;
    # write-back events once exported to the warehouse and older; audit rows keep the chain.
    retention_landing_days: int = Field(default=400, ge=1)
    retention_quarantine_days: int = Field(default=180, ge=1)
    retention_writeback_days: int = Field(default=400, ge=1)
    retention_report_days: int = Field(default=730, ge=1)
    retention_audit_days: int = Field(default=1095, ge=1)

    # API (docs/api.md): per-key rate limits by role (JSON in HUB_API_RATE_LIMITS; roles left
    # out keep their default), how long a key that bursts misses is blocked, and the time a
    # request may take before its work is stopped and it is answered 504.
    api_rate_limits: dict[str, RateLimit] = Field(default_factory=lambda: dict(DEFAULT_RATE_LIMITS))
    api_miss_block_seconds: float = Field(default=300.0, ge=0)
    api_deadline_seconds: float = Field(default=5.0, gt=0, le=300)
    # documents run precompiled where they can (api.compiled); HUB_API_COMPILED=0: graphql-core
    # executes every one (bench/api.py measures both)
    api_compiled: bool = True

    # Pushed alerts (docs/notify.md): the SMTP server e-mails go through, the sender, and the
    # retries: attempts per delivery run, attempts in all, the first wait (doubling each time)
    notify_smtp_host: str = "localhost"
    notify_smtp_port: int = Field(default=25, ge=1, le=65535)
    notify_mail_from: str = "cs-hub@localhost"
    notify_attempts_per_run: int = Field(default=3, ge=1)
    notify_max_attempts: int = Field(default=6, ge=1)
    notify_backoff_seconds: float = Field(default=2.0, ge=0)
    notify_timeout_seconds: float = Field(default=10.0, gt=0)

    @model_validator(mode="after")
    def _resolve(self) -> Settings:
        self.api_rate_limits = {**DEFAULT_RATE_LIMITS, **self.api_rate_limits}
        self.data_dir = self.data_dir.expanduser().resolve()
        if self.warehouse_path is None:
            self.warehouse_path = self.data_dir / "warehouse.duckdb"
        if self.serving_url is None:
            self.serving_url = f"sqlite:///{self.data_dir / 'serving.db'}"
        if self.ops_url is None:
            self.ops_url = f"sqlite:///{self.data_dir / 'ops.db'}"
        if self.dagster_storage_url is not None:
            url = self.dagster_storage_url.get_secret_value()
            # dagster-postgres writes NOTIFY with psycopg2's client-side parameters
            if not url.startswith("postgresql+psycopg2://"):
                raise ValueError("HUB_DAGSTER_STORAGE_URL must be a postgresql+psycopg2://user@host:port/db URL")
        if self.env == "production" and self.id_hash_key.get_secret_value() == DEV_ID_HASH_KEY:
            raise ValueError("HUB_ID_HASH_KEY must be set in production (the development key is public)")
        return self

    @property
    def raw_parquet_root(self) -> Path | None:
        """Where ingestion writes each loaded batch as Parquet, or None when it writes none."""
        if self.raw_parquet_dir is not None:
            return self.raw_parquet_dir.expanduser().resolve()
        return self.data_dir / "raw_parquet" if self.warehouse_engine == "spark" else None

    @property
    def landing_dir(self) -> Path:
        """Where upstream systems drop their export files, one folder per source."""
        return self.data_dir / "landing"

    @property
    def truth_dir(self) -> Path:
        """The simulator's ground truth: for evaluation only, never read by the pipeline."""
        return self.data_dir / "truth"

    @property
    def reports_dir(self) -> Path:
        return self.data_dir / "reports"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read from the environment on first use."""
    return Settings()
