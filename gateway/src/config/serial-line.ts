/**
 * The framings an RS-485 line may use, as plain constants: the config schema checks them, and the
 * command-line help lists them without loading zod (`jisr gateway --help` stays light).
 */
export const PARITIES = ["none", "even", "odd"] as const;
export const BAUD_RATES = [1200, 2400, 4800, 9600, 19_200, 38_400, 57_600, 115_200] as const;
