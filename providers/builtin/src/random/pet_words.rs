//! The words pet names are made of: adverbs, adjectives and animal names, short and lowercase.

/// Adverbs, for names of more than two words.
pub const ADVERBS: &[&str] = &[
    "ably", "actively", "amazingly", "amply", "aptly", "briefly", "brightly", "briskly", "busily", "calmly", "carefully",
    "cheaply", "cheerfully", "cleanly", "clearly", "closely", "cordially", "curiously", "daily", "deadly", "deeply",
    "deftly", "directly", "eagerly", "early", "easily", "evenly", "exactly", "fairly", "famously", "finely", "firmly",
    "fondly", "freely", "fully", "gently", "gladly", "gradually", "greatly", "happily", "hardly", "highly", "honestly",
    "hugely", "jointly", "justly", "kindly", "largely", "lately", "lightly", "lively", "loosely", "loudly", "luckily",
    "mainly", "merely", "mildly", "mostly", "namely", "nearly", "neatly", "newly", "nicely", "openly", "partly",
    "politely", "poorly", "presently", "promptly", "properly", "proudly", "purely", "quickly", "quietly", "rapidly",
    "rarely", "readily", "really", "richly", "rightly", "roughly", "safely", "sadly", "secretly", "sharply", "simply",
    "slowly", "smoothly", "softly", "solely", "sternly", "strictly", "strongly", "suddenly", "surely", "sweetly",
    "swiftly", "tenderly", "terribly", "thankfully", "truly", "usefully", "vastly", "warmly", "weekly", "wholly",
    "widely", "wildly", "wisely", "yearly",
];

/// Adjectives, for names of two or more words.
pub const ADJECTIVES: &[&str] = &[
    "able", "active", "adapted", "alert", "amazed", "amused", "ample", "apt", "awake", "aware", "balanced", "bold",
    "brave", "bright", "brisk", "busy", "calm", "capable", "careful", "casual", "champion", "charming", "cheerful",
    "clean", "clever", "close", "cool", "cosmic", "crack", "curious", "cute", "dapper", "daring", "dear", "decent",
    "deep", "direct", "divine", "driven", "dynamic", "eager", "easy", "elegant", "enabled", "enough", "equal", "exact",
    "fair", "famous", "fancy", "fast", "fine", "firm", "fit", "flowing", "fluent", "fond", "free", "fresh", "friendly",
    "funny", "gentle", "genuine", "giving", "glad", "golden", "good", "grand", "great", "growing", "handy", "happy",
    "hardy", "healthy", "helpful", "heroic", "honest", "hopeful", "humble", "ideal", "immune", "jolly", "just", "keen",
    "kind", "large", "lasting", "leading", "legal", "light", "likely", "literate", "live", "lively", "logical", "loved",
    "loyal", "lucky", "magical", "main", "major", "merry", "mighty", "modern", "moral", "musical", "natural", "neat",
    "nice", "noble", "normal", "novel", "open", "optimal", "patient", "perfect", "pleasant", "polite", "popular",
    "positive", "precious", "pretty", "prime", "proper", "proud", "quick", "quiet", "rapid", "rare", "ready", "real",
    "relaxed", "renewed", "rested", "rich", "robust", "safe", "saving", "secure", "sharp", "shining", "simple",
    "smart", "smooth", "social", "solid", "sound", "special", "splendid", "square", "stable", "steady", "still",
    "striking", "strong", "sunny", "super", "sure", "sweet", "swift", "tender", "thankful", "tidy", "tight", "tough",
    "true", "trusty", "united", "upright", "useful", "valid", "vast", "vital", "warm", "welcome", "well", "whole",
    "wise", "witty", "wondrous", "worthy", "young", "zesty",
];

/// Animal names, the last word of every name.
pub const NAMES: &[&str] = &[
    "aardvark", "albatross", "alpaca", "anchovy", "ant", "antelope", "ape", "armadillo", "baboon", "badger", "barnacle",
    "bass", "bat", "bear", "beaver", "bee", "beetle", "bengal", "bird", "bison", "boa", "boar", "bobcat", "buck",
    "buffalo", "bull", "bunny", "buzzard", "calf", "camel", "canary", "cardinal", "caribou", "cat", "catfish",
    "cattle", "chamois", "cheetah", "chicken", "chimp", "chipmunk", "clam", "cobra", "cod", "colt", "condor", "coral",
    "cougar", "cow", "coyote", "crab", "crane", "crayfish", "cricket", "crow", "cub", "cuckoo", "deer", "dingo",
    "dodo", "doe", "dog", "dolphin", "donkey", "dory", "dove", "dragon", "duck", "eagle", "eel", "egret", "elephant",
    "elk", "emu", "falcon", "fawn", "ferret", "finch", "fish", "flamingo", "flounder", "fly", "foal", "fowl", "fox",
    "frog", "gazelle", "gecko", "gibbon", "giraffe", "gnat", "gnu", "goat", "goldfish", "goose", "gopher", "gorilla",
    "grouse", "gull", "haddock", "halibut", "hamster", "hare", "hawk", "hedgehog", "hen", "heron", "herring", "hippo",
    "hog", "hornet", "horse", "hound", "hyena", "ibex", "iguana", "impala", "jackal", "jaguar", "jay", "jellyfish",
    "kangaroo", "kid", "kingfish", "kite", "kitten", "kiwi", "koala", "krill", "lab", "lamb", "lark", "leopard",
    "lemur", "lion", "lizard", "llama", "lobster", "locust", "loon", "lynx", "macaw", "mackerel", "magpie", "mallard",
    "mammoth", "manatee", "mantis", "marlin", "marmot", "marten", "mayfly", "meerkat", "mink", "minnow", "mole",
    "mongoose", "monkey", "moose", "moth", "mouse", "mule", "mustang", "newt", "octopus", "ocelot", "opossum",
    "orca", "oriole", "osprey", "ostrich", "otter", "owl", "ox", "oyster", "panda", "panther", "parrot", "peacock",
    "pelican", "penguin", "perch", "pheasant", "pig", "pigeon", "pika", "pipefish", "piranha", "platypus", "pony",
    "porpoise", "possum", "prawn", "puffin", "pug", "puma", "python", "quail", "rabbit", "raccoon", "ram", "raven",
    "ray", "redbird", "reindeer", "rhino", "robin", "rooster", "salmon", "sardine", "satyr", "seahorse", "seal",
    "shark", "sheep", "shrew", "shrimp", "skink", "skunk", "sloth", "slug", "snail", "snake", "snipe", "sparrow",
    "spider", "squid", "squirrel", "stag", "starfish", "stingray", "stork", "sturgeon", "swan", "swift", "tadpole",
    "tapir", "terrier", "tick", "tiger", "toad", "tortoise", "toucan", "trout", "tuna", "turkey", "turtle", "urchin",
    "viper", "vulture", "wallaby", "walrus", "wasp", "weasel", "whale", "whippet", "wildcat", "wolf", "wombat", "wren",
    "yak", "zebra",
];
