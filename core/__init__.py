"""The rules: domain services, permissions, errors and settings. No telegram or twilio imports."""
