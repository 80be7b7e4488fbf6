/** The simulated institutions of the demo: three sites of different sizes around Ben Guerir. */
export interface DemoInstitution {
  id: string;
  name: string;
  /** PV peak power of the inverter, kWp. */
  kwp: number;
}

export const DEMO_INSTITUTIONS: readonly DemoInstitution[] = [
  { id: "foyer-ben-guerir", name: "Foyer pour personnes âgées, Ben Guerir", kwp: 15 },
  { id: "maison-enfants-skhour", name: "Maison d'enfants, Skhour Rehamna", kwp: 10 },
  {
    id: "centre-handicap-sidi-bouathmane",
    name: "Centre pour personnes handicapées, Sidi Bou Othmane",
    kwp: 6,
  },
];
