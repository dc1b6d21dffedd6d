"""Rendering the typed answers as text: one set of sentences, with the markup of each front."""
