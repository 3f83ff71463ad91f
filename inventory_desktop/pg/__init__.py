"""PostgreSQL, spoken to directly with psycopg 3: the parts of `inventory copy-to`.

Nothing here goes through db.py or the services: copy-to reads a data file
with the standard sqlite3 module and writes the server with psycopg, so that
it depends on neither backend of the program. Importing this package needs
psycopg (the `postgres` extra); the command line imports it only when a
server command runs.
"""
