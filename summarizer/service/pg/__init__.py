"""PostgreSQL deployment: shared job store, job queue (procrastinate), events and LLM slots.

Selected by ``SUMMARIZER_DATABASE_URL``; everything here needs the ``[postgres]`` extra
(procrastinate, psycopg 3). Without a database URL none of it is imported.
"""
