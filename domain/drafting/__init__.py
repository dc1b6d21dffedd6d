"""A terms profile drafted from an agreement's own text (SPEC §15): pure functions of text.

sections (numbered sections) -> sentences -> numbers (durations in words and digits) ->
found (each number with its words) -> clauses, delays, mail, parties (what each sentence
does) -> draft (the profile, its citations and what is missing) -> profile_yaml."""
