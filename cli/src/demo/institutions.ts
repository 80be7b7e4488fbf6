/** The simulated institutions of the demo: three sites of different sizes around Ben Guerir. */
export interface DemoInstitution {
  id: string;
  name: string;
  /** PV peak power of the inverter, kWp. */
  kwp: number;
  /**
   * What backs the solar water heater up: an electric element (default) or a butane burner of this
   * useful output. Must match the analytics' institutions file (checked by institutions.test.ts).
   */
  backup?: { kind: "butane"; burnerKw: number };
}

export const DEMO_INSTITUTIONS: readonly DemoInstitution[] = [
  { id: "foyer-ben-guerir", name: "Foyer pour personnes âgées, Ben Guerir", kwp: 15 },
  {
    id: "maison-enfants-skhour",
    name: "Maison d'enfants, Skhour Rehamna",
    kwp: 10,
    backup: { kind: "butane", burnerKw: 20 },
  },
  {
    id: "centre-handicap-sidi-bouathmane",
    name: "Centre pour personnes handicapées, Sidi Bou Othmane",
    kwp: 6,
  },
];
