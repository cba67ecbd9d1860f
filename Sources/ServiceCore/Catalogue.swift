/// The deterministic product catalogue: Ethiopian creators, their cities and goods, prices in birr.
public enum Catalogue {
    public static let cities = ["Addis Ababa", "Bahir Dar", "Hawassa", "Gondar", "Mekelle", "Dire Dawa", "Adama",
                                "Jimma", "Harar", "Lalibela", "Arba Minch", "Dessie", "Debre Markos", "Axum"]
    public static let categories: [(name: String, items: [String])] = [
        ("Coffee", ["Yirgacheffe beans", "Sidamo roast", "Harar longberry", "jebena set", "coffee ceremony kit", "Guji natural"]),
        ("Textiles", ["habesha kemis", "netela shawl", "gabi blanket", "tibeb scarf", "kuta wrap"]),
        ("Music", ["krar lesson", "masinko recording", "begena tutorial", "kebero rhythm pack", "ethio-jazz sample pack"]),
        ("Art", ["Gondarine icon print", "Axum stele poster", "Lalibela sketch", "portrait commission", "Tigray church painting"]),
        ("Books", ["Amharic primer", "Ge'ez workbook", "Oromo folktales", "Tigrinya poetry", "Ethiopian history ebook"]),
        ("Courses", ["injera cooking class", "Amharic course", "photography course", "coding bootcamp", "marketing masterclass"]),
        ("Spices", ["berbere blend", "mitmita", "shiro powder", "niter kibbeh kit", "korerima pods"]),
        ("Leather", ["leather bag", "sheepskin jacket", "wallet", "sandals", "notebook cover"]),
        ("Jewelry", ["Lalibela cross pendant", "silver bracelet", "amber necklace", "Harari beadwork", "Telsum earrings"]),
        ("Digital", ["Meskel poster template", "Timkat photo preset", "Enkutatash greeting cards", "wedding invitation template", "podcast intro"]),
    ]
    static let adjectives = ["handmade", "organic", "classic", "premium", "traditional", "modern", "signature", "limited",
                             "heritage", "deluxe", "everyday", "festive", "highland", "golden", "fresh", "vintage"]
    public static let givenNames = ["Abebe", "Tigist", "Selam", "Dawit", "Hana", "Yonas", "Meron", "Bereket", "Liya", "Samuel",
                                    "Marta", "Kebede", "Eden", "Nahom", "Bethlehem", "Tewodros", "Saba", "Mulugeta", "Rahel", "Yared"]
    static let surnames = ["Alemu", "Bekele", "Tesfaye", "Girma", "Haile", "Mengistu", "Wolde", "Desta", "Tadesse", "Kassa",
                           "Gebre", "Ayele", "Negash", "Abate", "Worku", "Mekonnen"]

    /// SplitMix64: small, fast and the same on every platform.
    public struct Random {
        var state: UInt64
        public init(seed: UInt64) { state = seed }
        public mutating func next() -> UInt64 {
            state &+= 0x9e3779b97f4a7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58476d1ce4e5b9
            z = (z ^ (z >> 27)) &* 0x94d049bb133111eb
            return z ^ (z >> 31)
        }
        public mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    public struct Product: Sendable {
        public let id: Int64, creatorID: Int64, name: String, category: String, city: String, priceCents: Int64, description: String
    }

    /// The i-th creator (1-based) of the catalogue's population.
    public static func creator(_ id: Int64) -> (handle: String, name: String, city: String) {
        let n = Int(id - 1)
        let given = givenNames[n % givenNames.count], surname = surnames[(n / givenNames.count) % surnames.count]
        let handle = n < givenNames.count ? given.lowercased() : "\(given.lowercased())-\(surname.lowercased())-\(id)"
        return (handle, "\(given) \(surname)", cities[(n * 7) % cities.count])
    }

    /// Product `id` (1-based) of a catalogue whose owners are creators 1...creatorCount.
    public static func product(_ id: Int64, creatorCount: Int, random: inout Random) -> Product {
        let creatorID = Int64(random.below(creatorCount) + 1)
        let category = categories[random.below(categories.count)]
        let item = category.items[random.below(category.items.count)]
        let adjective = adjectives[random.below(adjectives.count)]
        let city = random.below(4) == 0 ? cities[random.below(cities.count)] : creator(creatorID).city
        // Prices from 50 ETB to about 5,000 ETB, log-spread, in whole birr and 50 santim steps.
        let priceCents = Int64(5000 + random.below(100) * random.below(100) * 50)
        let maker = creator(creatorID).name
        return Product(id: id, creatorID: creatorID, name: "\(adjective.capitalized) \(item)", category: category.name, city: city,
                       priceCents: priceCents,
                       description: "\(adjective) \(item) by \(maker) of \(city), \(category.name.lowercased()) #\(id)")
    }
}

extension String {
    var capitalized: String { prefix(1).uppercased() + dropFirst() }
}
