"""Who is behind each cable (the carrier registry) and what a policy would exclude (flags)."""
