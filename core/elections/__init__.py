"""Leader elections: open, nominate and accept, vote, close with a runoff on a tie, terms and
their end, officers' review."""
