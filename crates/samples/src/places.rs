//! Real cities with their coordinates and currencies, and the stores in them.

/// A city transactions happen in.
#[derive(Clone, Copy, Debug)]
pub struct City {
    pub name: &'static str,
    /// Short code used in store ids.
    pub code: &'static str,
    pub lat: f64,
    pub lon: f64,
    pub currency: &'static str,
    /// Relative share of all transactions.
    pub weight: f64,
    /// Offset of local time from UTC in hours, so busy hours follow local daylight.
    pub utc_offset_hours: i64,
}

const fn city(
    name: &'static str,
    code: &'static str,
    lat: f64,
    lon: f64,
    currency: &'static str,
    weight: f64,
    utc_offset_hours: i64,
) -> City {
    City {
        name,
        code,
        lat,
        lon,
        currency,
        weight,
        utc_offset_hours,
    }
}

pub const CITIES: [City; 20] = [
    city("London", "LON", 51.5074, -0.1278, "GBP", 9.0, 0),
    city("Paris", "PAR", 48.8566, 2.3522, "EUR", 7.0, 1),
    city("Berlin", "BER", 52.5200, 13.4050, "EUR", 5.0, 1),
    city("Madrid", "MAD", 40.4168, -3.7038, "EUR", 4.5, 1),
    city("Lisbon", "LIS", 38.7223, -9.1393, "EUR", 2.5, 0),
    city("Amsterdam", "AMS", 52.3676, 4.9041, "EUR", 3.0, 1),
    city("Stockholm", "STO", 59.3293, 18.0686, "SEK", 2.0, 1),
    city("Warsaw", "WAW", 52.2297, 21.0122, "PLN", 2.5, 1),
    city("New York", "NYC", 40.7128, -74.0060, "USD", 10.0, -5),
    city("Chicago", "CHI", 41.8781, -87.6298, "USD", 4.0, -6),
    city("San Francisco", "SFO", 37.7749, -122.4194, "USD", 4.0, -8),
    city("Toronto", "YTO", 43.6532, -79.3832, "CAD", 3.0, -5),
    city("Mexico City", "MEX", 19.4326, -99.1332, "MXN", 3.5, -6),
    city("São Paulo", "SAO", -23.5505, -46.6333, "BRL", 5.0, -3),
    city("Tokyo", "TYO", 35.6762, 139.6503, "JPY", 8.0, 9),
    city("Singapore", "SIN", 1.3521, 103.8198, "SGD", 3.0, 8),
    city("Sydney", "SYD", -33.8688, 151.2093, "AUD", 3.0, 10),
    city("Mumbai", "BOM", 19.0760, 72.8777, "INR", 4.0, 5),
    city("Dubai", "DXB", 25.2048, 55.2708, "AED", 2.5, 4),
    city("Johannesburg", "JNB", -26.2041, 28.0473, "ZAR", 2.0, 2),
];

/// How many stores each city has.
pub const STORES_PER_CITY: usize = 6;

/// A physical store: where transactions are taken and terminals report from.
#[derive(Clone, Debug)]
pub struct Store {
    pub id: String,
    pub city: &'static City,
    pub lat: f64,
    pub lon: f64,
}

/// Every store, with fixed positions a few kilometres around its city centre.
pub fn stores() -> Vec<Store> {
    let mut stores = Vec::with_capacity(CITIES.len() * STORES_PER_CITY);
    for city in &CITIES {
        for index in 0..STORES_PER_CITY {
            // Spread stores on a small spiral so positions are fixed without randomness.
            let angle = index as f64 * 2.399_963; // the golden angle, in radians
            let radius_deg = 0.01 + 0.012 * index as f64;
            stores.push(Store {
                id: format!("{}-{:02}", city.code, index + 1),
                city,
                lat: city.lat + radius_deg * angle.sin(),
                lon: city.lon + radius_deg * angle.cos() / city.lat.to_radians().cos().max(0.2),
            });
        }
    }
    stores
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stores_are_near_their_city_with_unique_ids() {
        let stores = stores();
        assert_eq!(stores.len(), CITIES.len() * STORES_PER_CITY);
        let mut ids: Vec<&str> = stores.iter().map(|s| s.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), stores.len());
        for store in &stores {
            assert!((store.lat - store.city.lat).abs() < 0.2, "{}", store.id);
            assert!((store.lon - store.city.lon).abs() < 0.5, "{}", store.id);
        }
    }
}
