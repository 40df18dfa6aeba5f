"""The PostgreSQL fixture starts a real server that SQLAlchemy can use."""

from sqlalchemy import create_engine, text


def test_postgres_server_answers(postgres_url: str) -> None:
    engine = create_engine(postgres_url)
    with engine.connect() as conn:
        assert conn.execute(text("select 1 + 1")).scalar_one() == 2
        assert conn.execute(text("show server_version")).scalar_one().startswith("15.")
    engine.dispose()
