"""Measurements of sohoa's accuracy and speed; each script prints its numbers."""
