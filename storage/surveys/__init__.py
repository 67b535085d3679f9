"""Security surveys of homes, businesses and boats: requests, visits, findings."""
