"""What runs the whole platform rather than one domain: the background worker (every app's
tasks and daily jobs), the first data a new installation loads, the import of the whole open
data set. The top layer below the portal and the API: it may import every domain app, and no
domain app imports it."""
