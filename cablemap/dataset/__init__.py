"""v3 and v2 readers -> validated tables; country names -> ISO codes."""
