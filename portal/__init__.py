"""Project package: settings, root URLs and the site-wide pages of the policy portal."""
