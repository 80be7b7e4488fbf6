/**
 * `jisr inventory add ID`: a new institution's file, every section present and commented, so the person
 * onboarding an institution fills in a form instead of reading a schema. The placeholders are valid
 * values, so `jisr inventory check` passes once the facts are in (and points at what is still missing).
 */
export interface ScaffoldOptions {
  id: string;
  /** Tariff file, relative to the inventory folder. */
  tariff: string;
}

export function scaffoldInstitution({ id, tariff }: ScaffoldOptions): string {
  return `# yaml-language-server: $schema=./inventory.schema.json
# Institution ${id}: one file per institution, named after its id (docs/inventory.md). Check it with
# \`jisr inventory check\`; issue its gateway's token and config with \`jisr inventory provision ${id}\`.
id: ${id}
names:
  fr: "À compléter : nom officiel"
  ar: "يُستكمل: الاسم الرسمي"
  # en: English name, when it differs from the French
location:
  # Decimal degrees; west is negative (Ben Guerir: 32.23, -7.95).
  latitude: 32.23
  longitude: -7.95
  commune: Ben Guerir
  province: Rehamna
tariff:
  # The utility's tariff (services/analytics/tariffs/), relative to this folder.
  file: ${tariff}
# co2: { grid_factor_kg_per_kwh: 0.7, source: "...", provisional: true }   # overrides programme.yaml
# reading_interval: 10s                                                      # overrides programme.yaml

gateway:
  id: gateway
  # uplink: { url: https://jisr.example.org, token_file: /etc/jisr/gateway.token }  # overrides programme.yaml
  # mqtt_broker: { embedded: { port: 1883 } }   # or { url: mqtt://192.168.1.10:1883 }, for MQTT devices

# What the gateway reads. protocol: modbus_tcp (host, port, unit), modbus_rtu (serial), mqtt (topic).
devices:
  - id: inverter-1
    names: { fr: Onduleur, ar: العاكس, en: Inverter }
    protocol: modbus_tcp
    profile: sunspec
    host: 192.168.1.50
    # port: 502
    # unit: 1
    # interval: 10s
  # - id: grid-meter-1
  #   names: { fr: Compteur réseau, ar: عداد الشبكة, en: Grid meter }
  #   protocol: modbus_rtu
  #   profile: eastron-sdm630
  #   serial: { path: /dev/ttyUSB0, baud: 9600, parity: none }
  #   unit: 1
  # - id: shelly-1
  #   protocol: mqtt
  #   profile: shelly-gen2
  #   topic: shellypro3em-abc123
  #   role: grid_meter

pv:
  arrays:
    - kwp: 10           # DC nameplate, shared evenly by the array's inverters
      tilt_deg: 30
      azimuth_deg: 180  # 180: due south
      inverters: [inverter-1]
  # About 1.3 × the AC rating: a counter rising faster is a spike, never energy.
  max_power_w: 14000
  # rollover_wh: 4294967296   # where an acc32 Wh counter wraps

# grid_meter:
#   device: grid-meter-1
#   max_power_w: 30000

# hot_water:
#   heaters:
#     - device: swh-1
#       # heat_meter: heat-meter-1
#   tank: { volume_l: 1500, collector_area_m2: 24 }
#   demand_windows: [{ start: "06:00", end: "09:00" }, { start: "18:00", end: "22:00" }]
#   service_temperature_c: 45
#   outlet_field: outlet_temperature_c
#   backup: { kind: electric }            # or { kind: butane, burner_power_kw: 20 }

# Who covers it. Technicians and managers; e-mail or phone; the language of their messages.
contacts: []
#   - id: technicien-rehamna
#     name: Technicien de la province
#     role: technician
#     language: fr
#     email: technicien@example.org
#     phone: "+212 600 000 000"
`;
}
