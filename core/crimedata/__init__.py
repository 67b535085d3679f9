"""Local crime data: importing the department's incident exports, watch-group areas, the facts
and charts for an area, hotspots on a grid, and trends between periods."""
