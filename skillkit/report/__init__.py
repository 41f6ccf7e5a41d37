"""HTML reports: view models, inline SVG charts, templates and translations."""
