"""Safety news: the officers' content library and the publishing calendar."""
