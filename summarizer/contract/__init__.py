"""The contract with callers: the documents they hand in (``documents``), the result (contract v1)
they get back (``result``), and ``assemble``, which builds that result from a backend's draft."""
