"""The contract with callers: the documents they hand in and the result (contract v1) they get back."""
