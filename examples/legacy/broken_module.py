# Deliberately broken: this file has a syntax error so that the demo shows SSOT000
# (parse-error). ssotcheck reports it and goes on analysing the rest of the tree.
# Do not fix it.


def half_migrated(:  # planted SSOT000
    return None
