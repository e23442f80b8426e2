"""The fixed vocabularies of the catalog, in a module cheap to import (the CLI's help needs them at start)."""

# What a title is; titleType of the IMDb datasets maps onto these too.
KINDS = ("movie", "tv_series", "tv_mini_series", "tv_movie", "tv_episode", "tv_special", "video", "video_game", "short")
# What a box-office figure is.
BOX_OFFICE_KINDS = ("budget", "opening_weekend", "gross", "worldwide_gross")
# What a person did on a title (credits.role): a page's credits (director, writer, creator, star,
# actor) and every category of the dataset's title.principals (an actress is an actor).
ROLES = (
    "actor",
    "archive_footage",
    "archive_sound",
    "casting_director",
    "cinematographer",
    "composer",
    "creator",
    "director",
    "editor",
    "producer",
    "production_designer",
    "self",
    "star",
    "writer",
)
