"""`optiroll build`: a post's figures from one TOML file, rendered in parallel and cached."""
