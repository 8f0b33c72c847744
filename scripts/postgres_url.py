"""Print the PostgreSQL URL the drills and benchmarks should use, or nothing.

TEST_DATABASE_URL if it is set; otherwise the local server (postgres@127.0.0.1:5432) if it
answers. The drills and benchmarks only use that server to create (and drop) databases of
their own, so the database named in the URL itself is never touched.
"""

import os

LOCAL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def main() -> None:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        print(url)
        return
    try:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", connect_timeout=2):
            print(LOCAL)
    except Exception:  # no server answers: print nothing
        pass


if __name__ == "__main__":
    main()
