"""The domain of the portal: regions, releases and their sections, and how releases get in."""
