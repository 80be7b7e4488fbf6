/**
 * MQTT payloads as the vendors publish them in their documentation, kept as the published JSON text
 * (values, keys and their order unchanged; only line breaks and indentation removed) with the page each
 * comes from. The tests feed them to the shipped profiles unmodified. Where a vendor publishes no example
 * for a case (a second channel, a whole multi-channel Tasmota message), the fixture says so and what it
 * uses instead.
 */

/**
 * Shelly EM1 status, the "EM1.GetStatus example" of
 * https://shelly-api-docs.shelly.cloud/gen2/ComponentsAndServices/EM1#em1getstatus-example
 * (channel id 0). The page's example section is not in this repository's search index; the text is the
 * one quoted, with that anchor, in github.com/mathieucarbou/MycilaJSYApp (README and src/main.cpp),
 * which emulates a Shelly Pro EM from the documentation.
 */
export const SHELLY_EM1_STATUS =
  '{ "id": 0, "voltage": 240.2, "current": 6.473, "act_power": 1327.6, "aprt_power": 1557.6, "pf": 0.87, "freq": 50, "calibration": "factory" }';

/**
 * Shelly EM1Data status, the "EM1Data.GetStatus example" of
 * https://shelly-api-docs.shelly.cloud/gen2/ComponentsAndServices/EM1Data#em1datagetstatus-example,
 * quoted in the same place as SHELLY_EM1_STATUS.
 */
export const SHELLY_EM1DATA_STATUS =
  '{ "id": 0, "total_act_energy": 2776175.11, "total_act_ret_energy": 571584.87 }';

/**
 * The second channel of a Pro EM. Shelly's pages give an example for id 0 only, so this is a device's
 * own answer: em1:1 of a Shelly Pro EM-50's Shelly.GetStatus as posted in
 * https://github.com/Jan200101/ShellyPy/issues/20 (a device dump, not a vendor example).
 */
export const SHELLY_PRO_EM_50_EM1_1 =
  '{"id": 1, "current": 2.598, "voltage": 234.9, "act_power": 501.8, "aprt_power": 612.4, "pf": 0.84, "freq": 50, "calibration": "factory"}';

/**
 * The four switches of a Shelly Pro 4PM: the components switch:0 to switch:3 of the "Shelly.GetStatus
 * example" of https://shelly-api-docs.shelly.cloud/gen2/ComponentsAndServices/Shelly#shellygetstatus-example
 * (sys.mac A8032ABE54DC, unixtime 1650035219). A device with "Generic status update over MQTT" publishes
 * each component's status on <prefix>/status/<component> (…/ComponentsAndServices/Mqtt). The page's
 * example section is not in the search index; two public copies of it agree on every value (a mock
 * server's getStatus, and the Rust crate shelly_rpc's tests "using example payloads from the Shelly
 * Gen2+ API docs").
 */
export const SHELLY_PRO_4PM_SWITCHES = [
  '{"id": 0, "source": "timer", "output": true, "timer_started_at": 1626935739.79, "timer_duration": 60, "apower": 8.9, "voltage": 237.5, "aenergy": {"total": 6.532, "by_minute": [45.199, 47.141, 88.397], "minute_ts": 1626935779}, "temperature": {"tC": 23.5, "tF": 74.4}}',
  '{"id": 1, "source": "init", "output": false, "apower": 0, "voltage": 237.5, "aenergy": {"total": 0, "by_minute": [0, 0, 0], "minute_ts": 1626935779}, "temperature": {"tC": 23.5, "tF": 74.4}}',
  '{"id": 2, "source": "timer", "output": false, "timer_started_at": 1626935591.8, "timer_duration": 345, "apower": 0, "voltage": 237.5, "aenergy": {"total": 0.068, "by_minute": [0, 0, 0], "minute_ts": 1626935779}, "temperature": {"tC": 23.5, "tF": 74.4}}',
  '{"id": 3, "source": "init", "output": false, "apower": 0, "voltage": 237.5, "aenergy": {"total": 0, "by_minute": [0, 0, 0], "minute_ts": 1626935779}, "temperature": {"tC": 23.5, "tF": 74.4}}',
] as const;

/**
 * NotifyStatus, "Example 1: Notify that a button has changed the output state of the switch with id=0",
 * and "Example 2: Notify that this device has lost connection to the cloud", of
 * https://shelly-api-docs.shelly.cloud/gen2/General/Notifications (read from the page itself). Over MQTT
 * they arrive on <shelly-id>/events/rpc.
 */
export const SHELLY_NOTIFY_STATUS_SWITCH =
  '{"src": "shellypro4pm-f008d1d8b8b8", "dst": "user_1", "method": "NotifyStatus", "params": {"ts": 1631186545.04, "switch:0": {"id": 0, "output": true, "source": "button"}}}';
export const SHELLY_NOTIFY_STATUS_CLOUD =
  '{"src": "shellypro4pm-f008d1d8b8b8", "dst": "user_1", "method": "NotifyStatus", "params": {"ts": 1624348482.25, "cloud": {"connected": false}}}';

/**
 * Tasmota telemetry of a Sonoff Pow R2, https://tasmota.github.io/docs/devices/Sonoff-Pow-R2/ (source:
 * github.com/tasmota/docs docs/devices/Sonoff-Pow-R2.md, commit 9849ab9): the message published on
 * tele/pow1/SENSOR.
 */
export const TASMOTA_POW_R2_SENSOR =
  '{"Time":"2018-02-15T17:37:10","ENERGY":{"TotalStartTime":"2018-11-14T18:39:40","Total":6.294,"Yesterday":5.340,"Today":0.954,"Period":217,"Power":2635,"ApparentPower":2650,"ReactivePower":282,"Factor":0.99,"Voltage":227,"Current":11.661}}';

/**
 * Multi-channel Tasmota. The documentation publishes no whole multi-channel message, only this fragment,
 * https://tasmota.github.io/docs/Rules/ ("When the payload consists of an array of data eg:
 * `"ENERGY":{"Current":[1.320,2.100]}`", docs/Rules.md): wrapped in the braces of a message, nothing else.
 */
export const TASMOTA_RULES_ENERGY_ARRAY = '{"ENERGY":{"Current":[1.320,2.100]}}';

/**
 * A whole two-channel message, then, as a device sent it (not a vendor example): a Shelly 2.5 under
 * Tasmota, Status 8 as posted in evcc issue #5731 and kept in github.com/evcc-io/evcc
 * meter/tasmota/types_test.go. Its StatusSNS object is what tele/<topic>/SENSOR carries. Total stays one
 * number (Tasmota 8.4.0 changelog: "Change Energy JSON Total field from "Total":[...] to "Total":33.736").
 */
export const TASMOTA_SHELLY25_STATUS_SNS =
  '{"Time":"2023-01-09T18:57:39","Switch1":"ON","Switch2":"OFF","ANALOG":{"Temperature":49.6},"ENERGY":{"TotalStartTime":"2023-01-09T13:59:15","Total":0.077,"Yesterday":0.000,"Today":0.077,"Power":[8.15,0],"ApparentPower":[5,0],"ReactivePower":[4,0],"Factor":[0.00,0.00],"Frequency":50,"Voltage":237,"Current":[0.000,0.000]},"TempUnit":"C"}';

/**
 * OpenDTU publishes one value per topic (https://tbnobody.github.io/OpenDTU-docs/firmware/mqtt_topics/
 * gives the topics and units, no values). The values are the documentation's own example of the same
 * inverter, "Get inverter detail livedata" of https://tbnobody.github.io/OpenDTU-docs/firmware/web_api/
 * (inverter 1161716xxxxx, at night: not reachable, counters kept), each formatted as the firmware
 * publishes it: the value with the field's "d" decimals (StatisticsParser::getChannelFieldValueString,
 * MqttHandleInverter::publishField). DC input N of the API is topic channel N + 1.
 */
export const OPENDTU_DOCS_INVERTER: ReadonlyArray<readonly [subtopic: string, payload: string]> = [
  ["0/power", "0.0"],
  ["0/voltage", "0.0"],
  ["0/current", "0.00"],
  ["0/frequency", "0.00"],
  ["0/powerfactor", "0.000"],
  ["0/reactivepower", "0.0"],
  ["0/powerdc", "0.0"],
  ["0/yieldday", "0"],
  ["0/yieldtotal", "2515.606"],
  ["0/temperature", "0.0"],
  ["0/efficiency", "0.000"],
  ["1/power", "0.0"],
  ["1/voltage", "0.0"],
  ["1/current", "0.00"],
  ["1/yieldday", "0"],
  ["1/yieldtotal", "834.261"],
  ["1/irradiation", "0.000"],
  ["2/yieldtotal", "832.707"],
  ["3/yieldtotal", "843.730"],
  ["4/yieldtotal", "4.908"],
  ["status/reachable", "0"],
  ["status/producing", "0"],
];

/**
 * Shelly Pro 3EM, the "EM.GetStatus example" and "EMData.GetStatus example" of
 * https://shelly-api-docs.shelly.cloud/gen2/ComponentsAndServices/EM#emgetstatus-example and
 * …/EMData#emdatagetstatus-example. Not in the search index; two independent public copies agree on
 * every value, including the page's own slip "c_active_power" for phase C (MycilaJSYApp, and a Shelly
 * script that publishes EM and EMData over MQTT), so phase C's power is not read from it.
 */
export const SHELLY_EM_STATUS =
  '{"id": 0, "a_current": 4.029, "a_voltage": 236.1, "a_act_power": 951.2, "a_aprt_power": 951.9, "a_pf": 1, "a_freq": 50, "b_current": 4.027, "b_voltage": 236.201, "b_act_power": -951.1, "b_aprt_power": 951.8, "b_pf": 1, "b_freq": 50, "c_current": 3.03, "c_voltage": 236.402, "c_active_power": 715.4, "c_aprt_power": 716.2, "c_pf": 1, "c_freq": 50, "n_current": 11.029, "total_current": 11.083, "total_act_power": 2484.782, "total_aprt_power": 2486.7, "user_calibrated_phase": [], "errors": ["phase_sequence"]}';
export const SHELLY_EMDATA_STATUS =
  '{"id": 0, "a_total_act_energy": 0, "a_total_act_ret_energy": 0, "b_total_act_energy": 0, "b_total_act_ret_energy": 0, "c_total_act_energy": 0, "c_total_act_ret_energy": 0, "total_act": 0, "total_act_ret": 0}';
