"""Search as people reach it: the page, the JSON API, the Atom feed, links between result
pages, and the middleware that turns an unreachable engine into a 503 page."""
