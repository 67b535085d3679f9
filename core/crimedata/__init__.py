"""Local crime data: hotspots on a grid, trends between periods, and charts as PNG bytes."""
