"""Local crime data: imported incidents, where they fall, and watch groups ' areas."""
