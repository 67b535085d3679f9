"""Environment (CPTED) reports: lights, cover, abandoned vehicles, graffiti, vacant buildings."""
