"""Test helpers that ship with the package (like httpx's MockTransport): fakes for fault injection."""
