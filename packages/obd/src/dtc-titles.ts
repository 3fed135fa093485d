import type { Text } from './text.js';

/**
 * The project's own French and English titles for the generic codes a workshop meets. The meaning
 * of each code is a fact fixed by SAE J2012; the wording here is ours. Families that repeat over
 * cylinders, banks or sensors are generated so their wording stays consistent.
 */

const titles = new Map<string, Text>();
const put = (code: string, fr: string, en: string) => titles.set(code, { fr, en });
// Generic code numbers in these families are decimal-looking: P0136 is followed by P0137 … P0141.
const code = (n: number) => `P${String(n).padStart(4, '0')}`;

// A sensor family of five: circuit, range/performance, low, high, intermittent.
function sensor5(base: number, fr: string, en: string): void {
  put(code(base), `${fr} : défaut de circuit`, `${en}: circuit malfunction`);
  put(code(base + 1), `${fr} : plage ou fonctionnement incorrect`, `${en}: range or performance problem`);
  put(code(base + 2), `${fr} : signal trop bas`, `${en}: circuit low`);
  put(code(base + 3), `${fr} : signal trop haut`, `${en}: circuit high`);
  put(code(base + 4), `${fr} : signal intermittent`, `${en}: circuit intermittent`);
}

sensor5(70, "Capteur de température d'air extérieur", 'Ambient air temperature sensor');
sensor5(95, "Capteur de température d'air d'admission 2", 'Intake air temperature sensor 2');
sensor5(100, "Débitmètre d'air massique A", 'Mass air flow sensor A');
sensor5(
  105,
  'Capteur de pression absolue collecteur / baro',
  'Manifold absolute pressure / barometric sensor',
);
sensor5(110, "Capteur de température d'air d'admission 1", 'Intake air temperature sensor 1');
sensor5(115, 'Capteur de température du liquide de refroidissement', 'Engine coolant temperature sensor');
sensor5(120, 'Capteur de position papillon / pédale A', 'Throttle / pedal position sensor A');
sensor5(180, 'Capteur de température carburant A', 'Fuel temperature sensor A');
sensor5(185, 'Capteur de température carburant B', 'Fuel temperature sensor B');
sensor5(190, 'Capteur de pression de rampe A', 'Fuel rail pressure sensor A');
sensor5(195, "Capteur de température d'huile moteur", 'Engine oil temperature sensor');
sensor5(220, 'Capteur de position papillon / pédale B', 'Throttle / pedal position sensor B');
sensor5(225, 'Capteur de position papillon / pédale C', 'Throttle / pedal position sensor C');
sensor5(335, 'Capteur de position vilebrequin A', 'Crankshaft position sensor A');
sensor5(340, "Capteur de position d'arbre à cames A (banc 1)", 'Camshaft position sensor A (bank 1)');
sensor5(345, "Capteur de position d'arbre à cames A (banc 2)", 'Camshaft position sensor A (bank 2)');
sensor5(365, "Capteur de position d'arbre à cames B (banc 1)", 'Camshaft position sensor B (bank 1)');
sensor5(390, "Capteur de position d'arbre à cames B (banc 2)", 'Camshaft position sensor B (bank 2)');
sensor5(325, 'Capteur de cliquetis 1 (banc 1)', 'Knock sensor 1 (bank 1)');
sensor5(330, 'Capteur de cliquetis 2 (banc 2)', 'Knock sensor 2 (bank 2)');
sensor5(460, 'Capteur de niveau de carburant A', 'Fuel level sensor A');
sensor5(470, "Capteur de pression d'échappement", 'Exhaust pressure sensor');
sensor5(710, 'Capteur de température du fluide de boîte A', 'Transmission fluid temperature sensor A');
sensor5(2226, 'Capteur de pression atmosphérique', 'Barometric pressure sensor');

// O2 sensors: six codes per position, three positions per bank.
const o2 = [
  { base: 130, bank: 1, sensor: 1 },
  { base: 136, bank: 1, sensor: 2 },
  { base: 142, bank: 1, sensor: 3 },
  { base: 150, bank: 2, sensor: 1 },
  { base: 156, bank: 2, sensor: 2 },
  { base: 162, bank: 2, sensor: 3 },
];
for (const { base, bank, sensor } of o2) {
  const fr = `Sonde O2 banc ${bank} capteur ${sensor}`;
  const en = `O2 sensor bank ${bank} sensor ${sensor}`;
  put(code(base), `${fr} : défaut de circuit`, `${en}: circuit malfunction`);
  put(code(base + 1), `${fr} : tension trop basse`, `${en}: circuit low voltage`);
  put(code(base + 2), `${fr} : tension trop haute`, `${en}: circuit high voltage`);
  put(code(base + 3), `${fr} : réponse lente`, `${en}: slow response`);
  put(code(base + 4), `${fr} : aucune activité détectée`, `${en}: no activity detected`);
  put(code(base + 5), `${fr} : défaut du circuit de chauffage`, `${en}: heater circuit malfunction`);
}

// Injectors and cylinders 1–12.
for (let c = 1; c <= 12; c++) {
  put(
    code(200 + c),
    `Injecteur cylindre ${c} : circuit ouvert ou défaillant`,
    `Cylinder ${c} injector circuit open or faulty`,
  );
}
{
  // Three codes per cylinder: low, high, contribution/balance.
  let n = 261;
  for (let c = 1; c <= 12; c++) {
    put(`P0${n}`, `Injecteur cylindre ${c} : circuit trop bas`, `Cylinder ${c} injector circuit low`);
    put(`P0${n + 1}`, `Injecteur cylindre ${c} : circuit trop haut`, `Cylinder ${c} injector circuit high`);
    put(
      `P0${n + 2}`,
      `Cylindre ${c} : défaut de contribution / équilibrage`,
      `Cylinder ${c} contribution or balance fault`,
    );
    n += 3;
  }
}
put(
  'P0300',
  'Ratés de combustion aléatoires ou sur plusieurs cylindres',
  'Random or multiple cylinder misfire detected',
);
for (let c = 1; c <= 12; c++) {
  put(
    `P03${String(c).padStart(2, '0')}`,
    `Ratés de combustion détectés sur le cylindre ${c}`,
    `Cylinder ${c} misfire detected`,
  );
}
const coils = 'ABCDEFGHIJKL';
for (let i = 0; i < 12; i++) {
  put(
    `P03${51 + i}`,
    `Bobine d'allumage ${coils[i]} : circuit primaire ou secondaire`,
    `Ignition coil ${coils[i]} primary or secondary circuit`,
  );
  const n = 2300 + i * 3;
  put(
    `P${n}`,
    `Bobine d'allumage ${coils[i]} : commande primaire trop basse`,
    `Ignition coil ${coils[i]} primary control circuit low`,
  );
  put(
    `P${n + 1}`,
    `Bobine d'allumage ${coils[i]} : commande primaire trop haute`,
    `Ignition coil ${coils[i]} primary control circuit high`,
  );
  put(
    `P${n + 2}`,
    `Bobine d'allumage ${coils[i]} : défaut du circuit secondaire`,
    `Ignition coil ${coils[i]} secondary circuit`,
  );
}
for (let c = 1; c <= 12; c++) {
  put(
    `P0${670 + c}`,
    `Bougie de préchauffage cylindre ${c} : défaut de circuit`,
    `Cylinder ${c} glow plug circuit`,
  );
}

// Catalysts, one family per bank.
for (const [bank, base] of [
  [1, 420],
  [2, 430],
] as const) {
  put(
    `P0${base}`,
    `Efficacité du catalyseur sous le seuil (banc ${bank})`,
    `Catalyst system efficiency below threshold (bank ${bank})`,
  );
  put(
    `P0${base + 1}`,
    `Efficacité du catalyseur de démarrage sous le seuil (banc ${bank})`,
    `Warm-up catalyst efficiency below threshold (bank ${bank})`,
  );
  put(
    `P0${base + 2}`,
    `Efficacité du catalyseur principal sous le seuil (banc ${bank})`,
    `Main catalyst efficiency below threshold (bank ${bank})`,
  );
  put(
    `P0${base + 3}`,
    `Efficacité du catalyseur chauffé sous le seuil (banc ${bank})`,
    `Heated catalyst efficiency below threshold (bank ${bank})`,
  );
  put(
    `P0${base + 4}`,
    `Température du catalyseur chauffé sous le seuil (banc ${bank})`,
    `Heated catalyst temperature below threshold (bank ${bank})`,
  );
}

// Automatic transmission shift solenoids A–E: five codes each.
for (let i = 0; i < 5; i++) {
  const s = 'ABCDE'[i];
  const n = 750 + i * 5;
  put(`P0${n}`, `Électrovanne de passage ${s} : défaut`, `Shift solenoid ${s} malfunction`);
  put(
    `P0${n + 1}`,
    `Électrovanne de passage ${s} : performance ou bloquée fermée`,
    `Shift solenoid ${s} performance or stuck off`,
  );
  put(`P0${n + 2}`, `Électrovanne de passage ${s} : bloquée ouverte`, `Shift solenoid ${s} stuck on`);
  put(`P0${n + 3}`, `Électrovanne de passage ${s} : défaut électrique`, `Shift solenoid ${s} electrical`);
  put(`P0${n + 4}`, `Électrovanne de passage ${s} : défaut intermittent`, `Shift solenoid ${s} intermittent`);
}
put('P0730', 'Rapport de démultiplication incorrect', 'Incorrect gear ratio');
for (let g = 1; g <= 5; g++)
  put(`P073${g}`, `Rapport incorrect en ${g}${g === 1 ? 're' : 'e'}`, `Gear ${g} incorrect ratio`);
put('P0736', 'Rapport incorrect en marche arrière', 'Reverse incorrect ratio');

// Individual codes. [code, fr, en]
const list: [string, string, string][] = [
  [
    'P0010',
    "Actionneur d'arbre à cames A (banc 1) : circuit",
    'Camshaft position actuator A circuit (bank 1)',
  ],
  [
    'P0011',
    "Calage d'arbre à cames A trop avancé ou performance (banc 1)",
    'Camshaft position A timing over-advanced or system performance (bank 1)',
  ],
  [
    'P0012',
    "Calage d'arbre à cames A trop retardé (banc 1)",
    'Camshaft position A timing over-retarded (bank 1)',
  ],
  [
    'P0013',
    "Actionneur d'arbre à cames B (banc 1) : circuit",
    'Camshaft position actuator B circuit (bank 1)',
  ],
  [
    'P0014',
    "Calage d'arbre à cames B trop avancé ou performance (banc 1)",
    'Camshaft position B timing over-advanced or system performance (bank 1)',
  ],
  [
    'P0015',
    "Calage d'arbre à cames B trop retardé (banc 1)",
    'Camshaft position B timing over-retarded (bank 1)',
  ],
  [
    'P0016',
    'Corrélation vilebrequin / arbre à cames A (banc 1 capteur A)',
    'Crankshaft / camshaft position correlation (bank 1 sensor A)',
  ],
  [
    'P0017',
    'Corrélation vilebrequin / arbre à cames B (banc 1 capteur B)',
    'Crankshaft / camshaft position correlation (bank 1 sensor B)',
  ],
  [
    'P0018',
    'Corrélation vilebrequin / arbre à cames A (banc 2 capteur A)',
    'Crankshaft / camshaft position correlation (bank 2 sensor A)',
  ],
  [
    'P0019',
    'Corrélation vilebrequin / arbre à cames B (banc 2 capteur B)',
    'Crankshaft / camshaft position correlation (bank 2 sensor B)',
  ],
  [
    'P0020',
    "Actionneur d'arbre à cames A (banc 2) : circuit",
    'Camshaft position actuator A circuit (bank 2)',
  ],
  [
    'P0021',
    "Calage d'arbre à cames A trop avancé ou performance (banc 2)",
    'Camshaft position A timing over-advanced or system performance (bank 2)',
  ],
  [
    'P0022',
    "Calage d'arbre à cames A trop retardé (banc 2)",
    'Camshaft position A timing over-retarded (bank 2)',
  ],
  [
    'P0030',
    'Chauffage sonde O2 banc 1 capteur 1 : circuit de commande',
    'HO2S heater control circuit (bank 1 sensor 1)',
  ],
  [
    'P0031',
    'Chauffage sonde O2 banc 1 capteur 1 : circuit trop bas',
    'HO2S heater control circuit low (bank 1 sensor 1)',
  ],
  [
    'P0032',
    'Chauffage sonde O2 banc 1 capteur 1 : circuit trop haut',
    'HO2S heater control circuit high (bank 1 sensor 1)',
  ],
  [
    'P0036',
    'Chauffage sonde O2 banc 1 capteur 2 : circuit de commande',
    'HO2S heater control circuit (bank 1 sensor 2)',
  ],
  [
    'P0037',
    'Chauffage sonde O2 banc 1 capteur 2 : circuit trop bas',
    'HO2S heater control circuit low (bank 1 sensor 2)',
  ],
  [
    'P0038',
    'Chauffage sonde O2 banc 1 capteur 2 : circuit trop haut',
    'HO2S heater control circuit high (bank 1 sensor 2)',
  ],
  [
    'P0040',
    'Signaux des sondes O2 inversés (banc 1 capteur 1 / banc 2 capteur 1)',
    'O2 sensor signals swapped (bank 1 sensor 1 / bank 2 sensor 1)',
  ],
  [
    'P0041',
    'Signaux des sondes O2 inversés (banc 1 capteur 2 / banc 2 capteur 2)',
    'O2 sensor signals swapped (bank 1 sensor 2 / bank 2 sensor 2)',
  ],
  [
    'P0042',
    'Chauffage sonde O2 banc 1 capteur 3 : circuit de commande',
    'HO2S heater control circuit (bank 1 sensor 3)',
  ],
  [
    'P0045',
    'Commande de suralimentation du turbo A : circuit ouvert',
    'Turbocharger boost control A circuit open',
  ],
  [
    'P0046',
    'Commande de suralimentation du turbo A : plage ou fonctionnement',
    'Turbocharger boost control A circuit range or performance',
  ],
  [
    'P0047',
    'Commande de suralimentation du turbo A : circuit trop bas',
    'Turbocharger boost control A circuit low',
  ],
  [
    'P0048',
    'Commande de suralimentation du turbo A : circuit trop haut',
    'Turbocharger boost control A circuit high',
  ],
  [
    'P0050',
    'Chauffage sonde O2 banc 2 capteur 1 : circuit de commande',
    'HO2S heater control circuit (bank 2 sensor 1)',
  ],
  [
    'P0051',
    'Chauffage sonde O2 banc 2 capteur 1 : circuit trop bas',
    'HO2S heater control circuit low (bank 2 sensor 1)',
  ],
  [
    'P0052',
    'Chauffage sonde O2 banc 2 capteur 1 : circuit trop haut',
    'HO2S heater control circuit high (bank 2 sensor 1)',
  ],
  [
    'P0053',
    'Résistance de chauffage sonde O2 (banc 1 capteur 1)',
    'HO2S heater resistance (bank 1 sensor 1)',
  ],
  [
    'P0054',
    'Résistance de chauffage sonde O2 (banc 1 capteur 2)',
    'HO2S heater resistance (bank 1 sensor 2)',
  ],
  [
    'P0068',
    'Incohérence débit / pression collecteur et position papillon',
    'MAP / MAF to throttle position correlation',
  ],
  [
    'P0069',
    'Incohérence pression collecteur / pression atmosphérique',
    'Manifold absolute pressure to barometric pressure correlation',
  ],
  ['P0087', 'Pression de rampe / système carburant trop basse', 'Fuel rail / system pressure too low'],
  ['P0088', 'Pression de rampe / système carburant trop haute', 'Fuel rail / system pressure too high'],
  ['P0089', 'Régulateur de pression carburant 1 : performance', 'Fuel pressure regulator 1 performance'],
  [
    'P0090',
    'Régulateur de pression carburant 1 : circuit de commande',
    'Fuel pressure regulator 1 control circuit',
  ],
  [
    'P0091',
    'Régulateur de pression carburant 1 : commande trop basse',
    'Fuel pressure regulator 1 control circuit low',
  ],
  [
    'P0092',
    'Régulateur de pression carburant 1 : commande trop haute',
    'Fuel pressure regulator 1 control circuit high',
  ],
  ['P0093', 'Fuite importante détectée dans le circuit carburant', 'Fuel system large leak detected'],
  ['P0094', 'Petite fuite détectée dans le circuit carburant', 'Fuel system small leak detected'],
  [
    'P0125',
    'Température de liquide insuffisante pour la régulation en boucle fermée',
    'Insufficient coolant temperature for closed loop fuel control',
  ],
  [
    'P0128',
    'Thermostat : température de liquide sous la température de régulation',
    'Coolant thermostat: coolant temperature below regulating temperature',
  ],
  ['P0148', "Erreur d'alimentation en carburant", 'Fuel delivery error'],
  ['P0149', "Erreur de calage d'injection", 'Fuel timing error'],
  ['P0170', 'Correction carburant (banc 1) : défaut', 'Fuel trim malfunction (bank 1)'],
  ['P0171', 'Mélange trop pauvre (banc 1)', 'System too lean (bank 1)'],
  ['P0172', 'Mélange trop riche (banc 1)', 'System too rich (bank 1)'],
  ['P0173', 'Correction carburant (banc 2) : défaut', 'Fuel trim malfunction (bank 2)'],
  ['P0174', 'Mélange trop pauvre (banc 2)', 'System too lean (bank 2)'],
  ['P0175', 'Mélange trop riche (banc 2)', 'System too rich (bank 2)'],
  ['P0200', 'Circuit de commande des injecteurs : défaut', 'Injector circuit malfunction'],
  ['P0217', 'Surchauffe moteur détectée', 'Engine coolant over-temperature condition'],
  ['P0218', 'Surchauffe du fluide de boîte détectée', 'Transmission fluid over-temperature condition'],
  ['P0219', 'Régime moteur excessif', 'Engine overspeed condition'],
  ['P0230', 'Circuit primaire de la pompe à carburant', 'Fuel pump primary circuit'],
  ['P0231', 'Circuit secondaire de la pompe à carburant trop bas', 'Fuel pump secondary circuit low'],
  ['P0232', 'Circuit secondaire de la pompe à carburant trop haut', 'Fuel pump secondary circuit high'],
  ['P0234', 'Surpression de suralimentation du turbo A', 'Turbocharger / supercharger A overboost condition'],
  ['P0235', 'Capteur de pression de suralimentation A : circuit', 'Turbocharger boost sensor A circuit'],
  [
    'P0236',
    'Capteur de pression de suralimentation A : plage ou fonctionnement',
    'Turbocharger boost sensor A circuit range or performance',
  ],
  [
    'P0237',
    'Capteur de pression de suralimentation A : signal trop bas',
    'Turbocharger boost sensor A circuit low',
  ],
  [
    'P0238',
    'Capteur de pression de suralimentation A : signal trop haut',
    'Turbocharger boost sensor A circuit high',
  ],
  ['P0243', 'Électrovanne de wastegate A : défaut', 'Turbocharger wastegate solenoid A malfunction'],
  ['P0245', 'Électrovanne de wastegate A : signal trop bas', 'Turbocharger wastegate solenoid A low'],
  ['P0246', 'Électrovanne de wastegate A : signal trop haut', 'Turbocharger wastegate solenoid A high'],
  [
    'P0299',
    'Sous-pression de suralimentation du turbo A',
    'Turbocharger / supercharger A underboost condition',
  ],
  ['P0313', 'Ratés détectés avec niveau de carburant bas', 'Misfire detected with low fuel'],
  [
    'P0314',
    'Ratés sur un cylindre (cylindre non identifié)',
    'Single cylinder misfire (cylinder not specified)',
  ],
  ['P0315', 'Variation du volant moteur non apprise', 'Crankshaft position system variation not learned'],
  [
    'P0316',
    'Ratés détectés au démarrage (1000 premiers tours)',
    'Misfire detected on start-up (first 1000 revolutions)',
  ],
  [
    'P0320',
    "Signal d'entrée régime / allumage : défaut de circuit",
    'Ignition / distributor engine speed input circuit malfunction',
  ],
  [
    'P0321',
    "Signal d'entrée régime / allumage : plage ou fonctionnement",
    'Ignition / distributor engine speed input circuit range or performance',
  ],
  [
    'P0322',
    "Signal d'entrée régime / allumage : aucun signal",
    'Ignition / distributor engine speed input circuit no signal',
  ],
  [
    'P0350',
    "Bobine d'allumage : circuit primaire ou secondaire",
    'Ignition coil primary or secondary circuit malfunction',
  ],
  ['P0380', 'Bougies de préchauffage : circuit A', 'Glow plug / heater circuit A malfunction'],
  ['P0381', 'Témoin de préchauffage : circuit', 'Glow plug / heater indicator circuit malfunction'],
  ['P0400', 'Recirculation des gaz (EGR) : débit défaillant', 'Exhaust gas recirculation flow malfunction'],
  ['P0401', 'Recirculation des gaz (EGR) : débit insuffisant', 'Exhaust gas recirculation flow insufficient'],
  ['P0402', 'Recirculation des gaz (EGR) : débit excessif', 'Exhaust gas recirculation flow excessive'],
  [
    'P0403',
    'Recirculation des gaz (EGR) : circuit de commande',
    'Exhaust gas recirculation control circuit malfunction',
  ],
  [
    'P0404',
    'Recirculation des gaz (EGR) : plage ou fonctionnement du circuit',
    'Exhaust gas recirculation circuit range or performance',
  ],
  ['P0405', 'Capteur de position EGR A : signal trop bas', 'EGR sensor A circuit low'],
  ['P0406', 'Capteur de position EGR A : signal trop haut', 'EGR sensor A circuit high'],
  ['P0407', 'Capteur de position EGR B : signal trop bas', 'EGR sensor B circuit low'],
  ['P0408', 'Capteur de position EGR B : signal trop haut', 'EGR sensor B circuit high'],
  ['P0409', 'Capteur de position EGR A : défaut de circuit', 'EGR sensor A circuit malfunction'],
  ['P0410', "Injection d'air secondaire : défaut", 'Secondary air injection system malfunction'],
  [
    'P0411',
    "Injection d'air secondaire : débit incorrect",
    'Secondary air injection system incorrect flow detected',
  ],
  ['P0412', "Vanne d'air secondaire A : circuit", 'Secondary air injection switching valve A circuit'],
  ['P0418', "Relais de pompe d'air secondaire A : circuit", 'Secondary air injection pump relay A circuit'],
  ['P0440', 'Système de recyclage des vapeurs (EVAP) : défaut', 'Evaporative emission system malfunction'],
  ['P0441', 'Système EVAP : débit de purge incorrect', 'Evaporative emission system incorrect purge flow'],
  ['P0442', 'Système EVAP : petite fuite détectée', 'Evaporative emission system small leak detected'],
  [
    'P0443',
    'Électrovanne de purge canister : circuit',
    'Evaporative emission system purge control valve circuit',
  ],
  [
    'P0444',
    'Électrovanne de purge canister : circuit ouvert',
    'Evaporative emission system purge control valve circuit open',
  ],
  [
    'P0445',
    'Électrovanne de purge canister : court-circuit',
    'Evaporative emission system purge control valve circuit shorted',
  ],
  [
    'P0446',
    "Vanne d'aération EVAP : circuit de commande",
    'Evaporative emission system vent control circuit',
  ],
  [
    'P0447',
    "Vanne d'aération EVAP : circuit ouvert",
    'Evaporative emission system vent control circuit open',
  ],
  [
    'P0448',
    "Vanne d'aération EVAP : court-circuit",
    'Evaporative emission system vent control circuit shorted',
  ],
  [
    'P0449',
    "Électrovanne d'aération EVAP : circuit",
    'Evaporative emission system vent valve / solenoid circuit',
  ],
  ['P0450', 'Capteur de pression EVAP : circuit', 'Evaporative emission system pressure sensor circuit'],
  [
    'P0451',
    'Capteur de pression EVAP : plage ou fonctionnement',
    'Evaporative emission system pressure sensor range or performance',
  ],
  ['P0452', 'Capteur de pression EVAP : signal trop bas', 'Evaporative emission system pressure sensor low'],
  [
    'P0453',
    'Capteur de pression EVAP : signal trop haut',
    'Evaporative emission system pressure sensor high',
  ],
  [
    'P0454',
    'Capteur de pression EVAP : signal intermittent',
    'Evaporative emission system pressure sensor intermittent',
  ],
  ['P0455', 'Système EVAP : fuite importante détectée', 'Evaporative emission system large leak detected'],
  [
    'P0456',
    'Système EVAP : très petite fuite détectée',
    'Evaporative emission system very small leak detected',
  ],
  [
    'P0457',
    'Système EVAP : fuite détectée (bouchon de réservoir absent ou desserré)',
    'Evaporative emission system leak detected (fuel cap loose or off)',
  ],
  ['P0480', 'Commande du motoventilateur 1 : circuit', 'Cooling fan 1 control circuit'],
  ['P0481', 'Commande du motoventilateur 2 : circuit', 'Cooling fan 2 control circuit'],
  ['P0482', 'Commande du motoventilateur 3 : circuit', 'Cooling fan 3 control circuit'],
  ['P0483', 'Contrôle de cohérence du motoventilateur', 'Cooling fan rationality check'],
  ['P0489', 'Commande EGR : circuit trop bas', 'Exhaust gas recirculation control circuit low'],
  ['P0490', 'Commande EGR : circuit trop haut', 'Exhaust gas recirculation control circuit high'],
  ['P0500', 'Capteur de vitesse véhicule A : défaut', 'Vehicle speed sensor A malfunction'],
  [
    'P0501',
    'Capteur de vitesse véhicule A : plage ou fonctionnement',
    'Vehicle speed sensor A range or performance',
  ],
  ['P0502', 'Capteur de vitesse véhicule A : signal trop bas', 'Vehicle speed sensor A circuit low input'],
  [
    'P0503',
    'Capteur de vitesse véhicule A : signal intermittent, erratique ou trop haut',
    'Vehicle speed sensor A intermittent, erratic or high',
  ],
  ['P0505', 'Régulation du ralenti : défaut', 'Idle air control system malfunction'],
  ['P0506', 'Régime de ralenti inférieur à la consigne', 'Idle air control system RPM lower than expected'],
  ['P0507', 'Régime de ralenti supérieur à la consigne', 'Idle air control system RPM higher than expected'],
  ['P0510', 'Contact de papillon fermé : défaut', 'Closed throttle position switch malfunction'],
  ['P0513', 'Clé antidémarrage invalide', 'Invalid immobiliser key'],
  [
    'P0520',
    "Capteur / manocontact de pression d'huile : circuit",
    'Engine oil pressure sensor / switch circuit',
  ],
  [
    'P0521',
    "Capteur / manocontact de pression d'huile : plage ou fonctionnement",
    'Engine oil pressure sensor / switch range or performance',
  ],
  [
    'P0522',
    "Capteur / manocontact de pression d'huile : tension trop basse",
    'Engine oil pressure sensor / switch low voltage',
  ],
  [
    'P0523',
    "Capteur / manocontact de pression d'huile : tension trop haute",
    'Engine oil pressure sensor / switch high voltage',
  ],
  ['P0524', "Pression d'huile moteur trop basse", 'Engine oil pressure too low'],
  [
    'P0530',
    'Capteur de pression de fluide frigorigène A : circuit',
    'A/C refrigerant pressure sensor A circuit',
  ],
  [
    'P0532',
    'Capteur de pression de fluide frigorigène A : signal trop bas',
    'A/C refrigerant pressure sensor A circuit low',
  ],
  [
    'P0533',
    'Capteur de pression de fluide frigorigène A : signal trop haut',
    'A/C refrigerant pressure sensor A circuit high',
  ],
  ['P0534', 'Perte de charge de fluide frigorigène', 'Air conditioner refrigerant charge loss'],
  [
    'P0544',
    "Capteur de température des gaz d'échappement (banc 1 capteur 1) : circuit",
    'Exhaust gas temperature sensor circuit (bank 1 sensor 1)',
  ],
  [
    'P0545',
    "Capteur de température des gaz d'échappement (banc 1 capteur 1) : signal trop bas",
    'Exhaust gas temperature sensor circuit low (bank 1 sensor 1)',
  ],
  [
    'P0546',
    "Capteur de température des gaz d'échappement (banc 1 capteur 1) : signal trop haut",
    'Exhaust gas temperature sensor circuit high (bank 1 sensor 1)',
  ],
  ['P0560', 'Tension du réseau de bord : défaut', 'System voltage malfunction'],
  ['P0561', 'Tension du réseau de bord instable', 'System voltage unstable'],
  ['P0562', 'Tension du réseau de bord trop basse', 'System voltage low'],
  ['P0563', 'Tension du réseau de bord trop haute', 'System voltage high'],
  ['P0565', 'Régulateur de vitesse : signal « marche » défaillant', 'Cruise control on signal malfunction'],
  [
    'P0571',
    'Contact de frein A (régulateur de vitesse) : circuit',
    'Brake switch A circuit (cruise control)',
  ],
  ['P0600', 'Liaison de communication série : défaut', 'Serial communication link malfunction'],
  [
    'P0601',
    'Mémoire du calculateur : erreur de somme de contrôle',
    'Internal control module memory checksum error',
  ],
  ['P0602', 'Calculateur : erreur de programmation', 'Control module programming error'],
  [
    'P0603',
    'Mémoire permanente (KAM) du calculateur : erreur',
    'Internal control module keep-alive memory (KAM) error',
  ],
  [
    'P0604',
    'Mémoire vive (RAM) du calculateur : erreur',
    'Internal control module random access memory (RAM) error',
  ],
  [
    'P0605',
    'Mémoire morte (ROM) du calculateur : erreur',
    'Internal control module read-only memory (ROM) error',
  ],
  ['P0606', 'Processeur du calculateur : défaut', 'Control module processor fault'],
  ['P0607', 'Calculateur : performance', 'Control module performance'],
  ['P0615', 'Relais de démarreur : circuit', 'Starter relay circuit'],
  ['P0616', 'Relais de démarreur : circuit trop bas', 'Starter relay circuit low'],
  ['P0617', 'Relais de démarreur : circuit trop haut', 'Starter relay circuit high'],
  ['P0620', "Commande de l'alternateur : circuit", 'Generator control circuit'],
  ['P0621', "Témoin de l'alternateur : circuit de commande", 'Generator lamp / L terminal control circuit'],
  [
    'P0622',
    "Excitation de l'alternateur : circuit de commande",
    'Generator field / F terminal control circuit',
  ],
  ['P0627', 'Commande de la pompe à carburant : circuit ouvert', 'Fuel pump control circuit open'],
  ['P0628', 'Commande de la pompe à carburant : circuit trop bas', 'Fuel pump control circuit low'],
  ['P0629', 'Commande de la pompe à carburant : circuit trop haut', 'Fuel pump control circuit high'],
  [
    'P0630',
    'VIN non programmé ou incohérent (calculateur moteur)',
    'VIN not programmed or mismatch (ECM/PCM)',
  ],
  ['P0641', 'Tension de référence capteurs A : circuit ouvert', 'Sensor reference voltage A circuit open'],
  ['P0642', 'Tension de référence capteurs A : trop basse', 'Sensor reference voltage A circuit low'],
  ['P0643', 'Tension de référence capteurs A : trop haute', 'Sensor reference voltage A circuit high'],
  ['P0645', "Relais d'embrayage de climatisation : circuit", 'A/C clutch relay control circuit'],
  [
    'P0650',
    'Voyant de défaut (MIL) : circuit de commande',
    'Malfunction indicator lamp (MIL) control circuit',
  ],
  ['P0651', 'Tension de référence capteurs B : circuit ouvert', 'Sensor reference voltage B circuit open'],
  [
    'P0670',
    'Module de commande des bougies de préchauffage : circuit',
    'Glow plug control module control circuit',
  ],
  [
    'P0683',
    'Communication module de préchauffage / calculateur moteur : circuit',
    'Glow plug control module to PCM communication circuit',
  ],
  ['P0685', 'Relais principal du calculateur : circuit ouvert', 'ECM/PCM power relay control circuit open'],
  ['P0686', 'Relais principal du calculateur : circuit trop bas', 'ECM/PCM power relay control circuit low'],
  [
    'P0687',
    'Relais principal du calculateur : circuit trop haut',
    'ECM/PCM power relay control circuit high',
  ],
  [
    'P0688',
    'Relais principal du calculateur : circuit de détection ouvert',
    'ECM/PCM power relay sense circuit open',
  ],
  ['P0691', 'Motoventilateur 1 : commande trop basse', 'Fan 1 control circuit low'],
  ['P0692', 'Motoventilateur 1 : commande trop haute', 'Fan 1 control circuit high'],
  [
    'P0700',
    'Calculateur de boîte de vitesses : défaut signalé (demande MIL)',
    'Transmission control system malfunction (MIL request)',
  ],
  [
    'P0701',
    'Commande de boîte de vitesses : plage ou fonctionnement',
    'Transmission control system range or performance',
  ],
  ['P0702', 'Commande de boîte de vitesses : défaut électrique', 'Transmission control system electrical'],
  [
    'P0705',
    'Capteur de position du levier de vitesses : circuit',
    'Transmission range sensor circuit malfunction (PRNDL input)',
  ],
  [
    'P0706',
    'Capteur de position du levier de vitesses : plage ou fonctionnement',
    'Transmission range sensor circuit range or performance',
  ],
  ['P0715', "Capteur de régime d'entrée / turbine A : circuit", 'Input / turbine speed sensor A circuit'],
  [
    'P0716',
    "Capteur de régime d'entrée / turbine A : plage ou fonctionnement",
    'Input / turbine speed sensor A circuit range or performance',
  ],
  [
    'P0717',
    "Capteur de régime d'entrée / turbine A : aucun signal",
    'Input / turbine speed sensor A circuit no signal',
  ],
  ['P0720', 'Capteur de régime de sortie : circuit', 'Output speed sensor circuit'],
  [
    'P0721',
    'Capteur de régime de sortie : plage ou fonctionnement',
    'Output speed sensor circuit range or performance',
  ],
  ['P0722', 'Capteur de régime de sortie : aucun signal', 'Output speed sensor circuit no signal'],
  ['P0740', 'Embrayage de convertisseur de couple : circuit', 'Torque converter clutch circuit malfunction'],
  [
    'P0741',
    'Embrayage de convertisseur de couple : performance ou bloqué ouvert',
    'Torque converter clutch circuit performance or stuck off',
  ],
  [
    'P0742',
    'Embrayage de convertisseur de couple : bloqué fermé',
    'Torque converter clutch circuit stuck on',
  ],
  [
    'P0743',
    'Embrayage de convertisseur de couple : défaut électrique',
    'Torque converter clutch circuit electrical',
  ],
  ['P0745', 'Électrovanne de régulation de pression A : défaut', 'Pressure control solenoid A malfunction'],
  ['P0780', 'Défaut de passage de rapport', 'Shift malfunction'],
  ['P0781', 'Défaut de passage 1re → 2e', '1-2 shift malfunction'],
  ['P0782', 'Défaut de passage 2e → 3e', '2-3 shift malfunction'],
  ['P0783', 'Défaut de passage 3e → 4e', '3-4 shift malfunction'],
  ['P0784', 'Défaut de passage 4e → 5e', '4-5 shift malfunction'],
  ['P0800', 'Boîte de transfert : demande MIL', 'Transfer case control system (MIL request)'],
  ['P0805', "Capteur de position d'embrayage : circuit", 'Clutch position sensor circuit'],
  ['P0830', "Contact de pédale d'embrayage A : circuit", 'Clutch pedal switch A circuit'],
  ['P0833', "Contact de pédale d'embrayage B : circuit", 'Clutch pedal switch B circuit'],
  ['P0850', 'Contact de position stationnement / neutre : circuit', 'Park / neutral switch input circuit'],
  ['P0A0F', "Le moteur thermique n'a pas démarré", 'Engine failed to start'],
  ['P0A7F', 'Batterie de traction hybride : usure', 'Hybrid battery pack deterioration'],
  ['P0A80', 'Batterie de traction hybride à remplacer', 'Replace hybrid battery pack'],
  ['P0A94', 'Convertisseur DC/DC : performance', 'DC/DC converter performance'],
  [
    'P2002',
    'Efficacité du filtre à particules sous le seuil (banc 1)',
    'Diesel particulate filter efficiency below threshold (bank 1)',
  ],
  [
    'P2003',
    'Efficacité du filtre à particules sous le seuil (banc 2)',
    'Diesel particulate filter efficiency below threshold (bank 2)',
  ],
  [
    'P2004',
    "Volets de turbulence d'admission bloqués ouverts (banc 1)",
    'Intake manifold runner control stuck open (bank 1)',
  ],
  [
    'P2006',
    "Volets de turbulence d'admission bloqués fermés (banc 1)",
    'Intake manifold runner control stuck closed (bank 1)',
  ],
  [
    'P2008',
    "Volets de turbulence d'admission : circuit de commande ouvert (banc 1)",
    'Intake manifold runner control circuit open (bank 1)',
  ],
  [
    'P200A',
    "Volets de turbulence d'admission : performance (banc 1)",
    'Intake manifold runner performance (bank 1)',
  ],
  [
    'P200C',
    'Température du filtre à particules trop haute (banc 1)',
    'Diesel particulate filter over-temperature (bank 1)',
  ],
  [
    'P2031',
    "Capteur de température des gaz d'échappement (banc 1 capteur 2) : circuit",
    'Exhaust gas temperature sensor circuit (bank 1 sensor 2)',
  ],
  [
    'P2032',
    "Capteur de température des gaz d'échappement (banc 1 capteur 2) : signal trop bas",
    'Exhaust gas temperature sensor circuit low (bank 1 sensor 2)',
  ],
  [
    'P2033',
    "Capteur de température des gaz d'échappement (banc 1 capteur 2) : signal trop haut",
    'Exhaust gas temperature sensor circuit high (bank 1 sensor 2)',
  ],
  [
    'P2047',
    'Injecteur de réactif (AdBlue) : circuit ouvert (banc 1)',
    'Reductant injector circuit open (bank 1 unit 1)',
  ],
  [
    'P2080',
    "Capteur de température des gaz d'échappement (banc 1 capteur 1) : plage ou fonctionnement",
    'Exhaust gas temperature sensor range or performance (bank 1 sensor 1)',
  ],
  [
    'P2096',
    'Correction post-catalyseur trop pauvre (banc 1)',
    'Post catalyst fuel trim system too lean (bank 1)',
  ],
  [
    'P2097',
    'Correction post-catalyseur trop riche (banc 1)',
    'Post catalyst fuel trim system too rich (bank 1)',
  ],
  [
    'P2098',
    'Correction post-catalyseur trop pauvre (banc 2)',
    'Post catalyst fuel trim system too lean (bank 2)',
  ],
  [
    'P2099',
    'Correction post-catalyseur trop riche (banc 2)',
    'Post catalyst fuel trim system too rich (bank 2)',
  ],
  [
    'P2100',
    'Moteur du boîtier papillon : circuit de commande ouvert',
    'Throttle actuator control motor circuit open',
  ],
  [
    'P2101',
    'Moteur du boîtier papillon : plage ou fonctionnement',
    'Throttle actuator control motor circuit range or performance',
  ],
  ['P2102', 'Moteur du boîtier papillon : circuit trop bas', 'Throttle actuator control motor circuit low'],
  ['P2103', 'Moteur du boîtier papillon : circuit trop haut', 'Throttle actuator control motor circuit high'],
  ['P2104', 'Boîtier papillon : ralenti forcé', 'Throttle actuator control system forced idle'],
  [
    'P2105',
    'Boîtier papillon : arrêt moteur forcé',
    'Throttle actuator control system forced engine shutdown',
  ],
  [
    'P2106',
    'Boîtier papillon : puissance limitée forcée',
    'Throttle actuator control system forced limited power',
  ],
  ['P2110', 'Boîtier papillon : régime limité forcé', 'Throttle actuator control system forced limited RPM'],
  ['P2111', 'Boîtier papillon : papillon bloqué ouvert', 'Throttle actuator control system stuck open'],
  ['P2112', 'Boîtier papillon : papillon bloqué fermé', 'Throttle actuator control system stuck closed'],
  [
    'P2118',
    'Moteur du boîtier papillon : courant plage ou fonctionnement',
    'Throttle actuator control motor current range or performance',
  ],
  [
    'P2119',
    'Boîtier papillon : plage ou fonctionnement',
    'Throttle actuator control throttle body range or performance',
  ],
  [
    'P2122',
    'Capteur de position de pédale D : signal trop bas',
    'Throttle / pedal position sensor D circuit low',
  ],
  [
    'P2123',
    'Capteur de position de pédale D : signal trop haut',
    'Throttle / pedal position sensor D circuit high',
  ],
  [
    'P2127',
    'Capteur de position de pédale E : signal trop bas',
    'Throttle / pedal position sensor E circuit low',
  ],
  [
    'P2128',
    'Capteur de position de pédale E : signal trop haut',
    'Throttle / pedal position sensor E circuit high',
  ],
  [
    'P2135',
    'Incohérence capteurs de position papillon / pédale A et B',
    'Throttle / pedal position sensor A / B voltage correlation',
  ],
  [
    'P2138',
    'Incohérence capteurs de position de pédale D et E',
    'Throttle / pedal position sensor D / E voltage correlation',
  ],
  [
    'P2146',
    'Alimentation des injecteurs groupe A : circuit ouvert',
    'Fuel injector group A supply voltage circuit open',
  ],
  [
    'P2149',
    'Alimentation des injecteurs groupe B : circuit ouvert',
    'Fuel injector group B supply voltage circuit open',
  ],
  ['P2177', 'Mélange trop pauvre hors ralenti (banc 1)', 'System too lean off idle (bank 1)'],
  ['P2178', 'Mélange trop riche hors ralenti (banc 1)', 'System too rich off idle (bank 1)'],
  ['P2179', 'Mélange trop pauvre hors ralenti (banc 2)', 'System too lean off idle (bank 2)'],
  ['P2180', 'Mélange trop riche hors ralenti (banc 2)', 'System too rich off idle (bank 2)'],
  ['P2181', 'Performance du circuit de refroidissement', 'Cooling system performance'],
  ['P2187', 'Mélange trop pauvre au ralenti (banc 1)', 'System too lean at idle (bank 1)'],
  ['P2188', 'Mélange trop riche au ralenti (banc 1)', 'System too rich at idle (bank 1)'],
  ['P2189', 'Mélange trop pauvre au ralenti (banc 2)', 'System too lean at idle (bank 2)'],
  ['P2190', 'Mélange trop riche au ralenti (banc 2)', 'System too rich at idle (bank 2)'],
  [
    'P2195',
    'Signal de sonde O2 bloqué pauvre (banc 1 capteur 1)',
    'O2 sensor signal stuck lean (bank 1 sensor 1)',
  ],
  [
    'P2196',
    'Signal de sonde O2 bloqué riche (banc 1 capteur 1)',
    'O2 sensor signal stuck rich (bank 1 sensor 1)',
  ],
  [
    'P2197',
    'Signal de sonde O2 bloqué pauvre (banc 2 capteur 1)',
    'O2 sensor signal stuck lean (bank 2 sensor 1)',
  ],
  [
    'P2198',
    'Signal de sonde O2 bloqué riche (banc 2 capteur 1)',
    'O2 sensor signal stuck rich (bank 2 sensor 1)',
  ],
  ['P2200', 'Capteur NOx (banc 1) : circuit', 'NOx sensor circuit (bank 1)'],
  [
    'P2201',
    'Capteur NOx (banc 1) : plage ou fonctionnement',
    'NOx sensor circuit range or performance (bank 1)',
  ],
  [
    'P2227',
    'Capteur de pression atmosphérique : plage ou fonctionnement',
    'Barometric pressure circuit range or performance',
  ],
  [
    'P2237',
    'Sonde O2 (banc 1 capteur 1) : circuit de courant de pompage ouvert',
    'O2 sensor positive current control circuit open (bank 1 sensor 1)',
  ],
  [
    'P2243',
    'Sonde O2 (banc 1 capteur 1) : tension de référence ouverte',
    'O2 sensor reference voltage circuit open (bank 1 sensor 1)',
  ],
  [
    'P2251',
    'Sonde O2 (banc 1 capteur 1) : masse virtuelle ouverte',
    'O2 sensor negative current control circuit open (bank 1 sensor 1)',
  ],
  [
    'P2261',
    'Soupape de décharge du turbo : défaut mécanique',
    'Turbocharger / supercharger bypass valve mechanical',
  ],
  ['P2263', 'Suralimentation du turbo : performance', 'Turbocharger / supercharger boost system performance'],
  ['P2264', "Capteur d'eau dans le gazole : circuit", 'Water in fuel sensor circuit'],
  ['P2269', "Présence d'eau dans le gazole", 'Water in fuel condition'],
  [
    'P2270',
    'Signal de sonde O2 bloqué pauvre (banc 1 capteur 2)',
    'O2 sensor signal stuck lean (bank 1 sensor 2)',
  ],
  [
    'P2271',
    'Signal de sonde O2 bloqué riche (banc 1 capteur 2)',
    'O2 sensor signal stuck rich (bank 1 sensor 2)',
  ],
  [
    'P2272',
    'Signal de sonde O2 bloqué pauvre (banc 2 capteur 2)',
    'O2 sensor signal stuck lean (bank 2 sensor 2)',
  ],
  [
    'P2273',
    'Signal de sonde O2 bloqué riche (banc 2 capteur 2)',
    'O2 sensor signal stuck rich (bank 2 sensor 2)',
  ],
  ['P2279', "Prise d'air à l'admission", 'Intake air system leak'],
  ['P2293', 'Régulateur de pression carburant 2 : performance', 'Fuel pressure regulator 2 performance'],
  [
    'P2299',
    "Incompatibilité pédale de frein / pédale d'accélérateur",
    'Brake pedal position / accelerator pedal position incompatible',
  ],
  ['P2413', 'Recirculation des gaz (EGR) : performance', 'Exhaust gas recirculation system performance'],
  [
    'P2422',
    "Vanne de fermeture d'aération EVAP bloquée fermée",
    'Evaporative emission system vent valve stuck closed',
  ],
  [
    'P2440',
    "Vanne d'air secondaire 1 bloquée ouverte",
    'Secondary air injection system switching valve stuck open (bank 1)',
  ],
  [
    'P2452',
    'Capteur de pression différentielle du filtre à particules : circuit',
    'Diesel particulate filter pressure sensor A circuit',
  ],
  [
    'P2453',
    'Capteur de pression différentielle du filtre à particules : plage ou fonctionnement',
    'Diesel particulate filter pressure sensor A range or performance',
  ],
  [
    'P2454',
    'Capteur de pression différentielle du filtre à particules : signal trop bas',
    'Diesel particulate filter pressure sensor A circuit low',
  ],
  [
    'P2455',
    'Capteur de pression différentielle du filtre à particules : signal trop haut',
    'Diesel particulate filter pressure sensor A circuit high',
  ],
  ['P2457', 'Refroidissement EGR : performance', 'Exhaust gas recirculation cooling system performance'],
  [
    'P2458',
    'Durée de régénération du filtre à particules',
    'Diesel particulate filter regeneration duration',
  ],
  [
    'P2459',
    'Fréquence de régénération du filtre à particules',
    'Diesel particulate filter regeneration frequency',
  ],
  [
    'P2463',
    'Accumulation de suies dans le filtre à particules',
    'Diesel particulate filter soot accumulation',
  ],
  ['P2500', "Borne L de l'alternateur : circuit trop bas", 'Generator lamp / L terminal circuit low'],
  ['P2501', "Borne L de l'alternateur : circuit trop haut", 'Generator lamp / L terminal circuit high'],
  ['P2502', 'Tension de charge : défaut', 'Charging system voltage'],
  ['P2503', 'Tension de charge trop basse', 'Charging system voltage low'],
  ['P2504', 'Tension de charge trop haute', 'Charging system voltage high'],
  ['P2544', 'Demande de réduction de couple : circuit', 'Torque management request input signal A'],
  [
    'P2555',
    'Signal de réduction de couple : circuit trop bas',
    'Torque reduction request signal circuit low',
  ],
  [
    'P2563',
    'Capteur de position du turbo : plage ou fonctionnement',
    'Turbocharger boost control position sensor A circuit range or performance',
  ],
  [
    'P2610',
    'Minuterie moteur arrêté du calculateur : performance',
    'ECM/PCM internal engine off timer performance',
  ],
  [
    'P2A00',
    'Sonde O2 (banc 1 capteur 1) : plage ou fonctionnement',
    'O2 sensor circuit range or performance (bank 1 sensor 1)',
  ],
  [
    'P20EE',
    'Efficacité du catalyseur SCR sous le seuil (banc 1)',
    'SCR NOx catalyst efficiency below threshold (bank 1)',
  ],
  ['P20BA', 'Réchauffeur du réactif A : performance', 'Reductant heater A control circuit performance'],
  ['P203F', 'Niveau de réactif (AdBlue) trop bas', 'Reductant level too low'],
  ['P204F', 'Performance du système de réactif (AdBlue)', 'Reductant system performance'],
  ['P2BAD', 'Émissions de NOx excessives : cause non déterminée', 'NOx exceedence: root cause unknown'],
  ['U0001', 'Bus CAN grande vitesse : communication', 'High speed CAN communication bus'],
  ['U0002', 'Bus CAN grande vitesse : performance', 'High speed CAN communication bus performance'],
  ['U0010', 'Bus CAN moyenne vitesse : communication', 'Medium speed CAN communication bus'],
  ['U0073', 'Bus de communication A : bus hors service (bus off)', 'Control module communication bus A off'],
  ['U0074', 'Bus de communication B : bus hors service (bus off)', 'Control module communication bus B off'],
  [
    'U0100',
    'Perte de communication avec le calculateur moteur (ECM/PCM A)',
    'Lost communication with ECM/PCM A',
  ],
  ['U0101', 'Perte de communication avec le calculateur de boîte (TCM)', 'Lost communication with TCM'],
  [
    'U0102',
    'Perte de communication avec le module de boîte de transfert',
    'Lost communication with transfer case control module',
  ],
  [
    'U0103',
    'Perte de communication avec le module de sélection de rapports',
    'Lost communication with gear shift control module',
  ],
  [
    'U0104',
    'Perte de communication avec le module de régulation de vitesse',
    'Lost communication with cruise control module',
  ],
  [
    'U0105',
    "Perte de communication avec le module de commande d'injection",
    'Lost communication with fuel injector control module',
  ],
  [
    'U0106',
    'Perte de communication avec le module de préchauffage',
    'Lost communication with glow plug control module',
  ],
  [
    'U0107',
    'Perte de communication avec le module du boîtier papillon',
    'Lost communication with throttle actuator control module',
  ],
  [
    'U0108',
    'Perte de communication avec le module carburant alternatif',
    'Lost communication with alternative fuel control module',
  ],
  [
    'U0109',
    'Perte de communication avec le module de pompe à carburant',
    'Lost communication with fuel pump control module',
  ],
  [
    'U0110',
    'Perte de communication avec le module du moteur de traction A',
    'Lost communication with drive motor control module A',
  ],
  [
    'U0111',
    'Perte de communication avec le module de gestion batterie A',
    'Lost communication with battery energy control module A',
  ],
  [
    'U0112',
    'Perte de communication avec le module de gestion batterie B',
    'Lost communication with battery energy control module B',
  ],
  [
    'U0113',
    'Informations critiques pour les émissions non reçues',
    'Lost communication with emissions critical control information',
  ],
  [
    'U0114',
    "Perte de communication avec le module d'embrayage 4x4",
    'Lost communication with four-wheel drive clutch control module',
  ],
  ['U0115', 'Perte de communication avec le calculateur moteur B', 'Lost communication with ECM/PCM B'],
  [
    'U0121',
    "Perte de communication avec le module d'ABS",
    'Lost communication with anti-lock brake system (ABS) control module',
  ],
  [
    'U0122',
    'Perte de communication avec le module de contrôle de stabilité',
    'Lost communication with vehicle dynamics control module',
  ],
  [
    'U0123',
    'Perte de communication avec le capteur de lacet',
    'Lost communication with yaw rate sensor module',
  ],
  [
    'U0124',
    "Perte de communication avec le capteur d'accélération latérale",
    'Lost communication with lateral acceleration sensor module',
  ],
  [
    'U0125',
    "Perte de communication avec le capteur d'accélération multiaxe",
    'Lost communication with multi-axis acceleration sensor module',
  ],
  [
    'U0126',
    "Perte de communication avec le capteur d'angle de volant",
    'Lost communication with steering angle sensor module',
  ],
  [
    'U0127',
    'Perte de communication avec le module de pression des pneus',
    'Lost communication with tire pressure monitor module',
  ],
  [
    'U0128',
    'Perte de communication avec le module de frein de stationnement',
    'Lost communication with park brake control module',
  ],
  [
    'U0129',
    'Perte de communication avec le module de freinage',
    'Lost communication with brake system control module',
  ],
  [
    'U0130',
    "Perte de communication avec le module d'effort de direction",
    'Lost communication with steering effort control module',
  ],
  [
    'U0131',
    'Perte de communication avec le module de direction assistée',
    'Lost communication with power steering control module',
  ],
  [
    'U0132',
    "Perte de communication avec le module de correction d'assiette",
    'Lost communication with ride level control module',
  ],
  [
    'U0140',
    'Perte de communication avec le boîtier de servitude (BCM)',
    'Lost communication with body control module',
  ],
  [
    'U0141',
    'Perte de communication avec le boîtier de servitude A',
    'Lost communication with body control module A',
  ],
  [
    'U0142',
    'Perte de communication avec le boîtier de servitude B',
    'Lost communication with body control module B',
  ],
  [
    'U0143',
    'Perte de communication avec le boîtier de servitude C',
    'Lost communication with body control module C',
  ],
  [
    'U0144',
    'Perte de communication avec le boîtier de servitude D',
    'Lost communication with body control module D',
  ],
  [
    'U0145',
    'Perte de communication avec le boîtier de servitude E',
    'Lost communication with body control module E',
  ],
  ['U0146', 'Perte de communication avec la passerelle A', 'Lost communication with gateway A'],
  [
    'U0151',
    "Perte de communication avec le module d'airbags",
    'Lost communication with restraints control module',
  ],
  [
    'U0155',
    'Perte de communication avec le combiné d’instruments',
    'Lost communication with instrument panel cluster control module',
  ],
  [
    'U0156',
    "Perte de communication avec l'afficheur d'informations",
    'Lost communication with information centre A',
  ],
  [
    'U0159',
    "Perte de communication avec l'aide au stationnement",
    'Lost communication with parking assist control module',
  ],
  [
    'U0164',
    'Perte de communication avec le module de climatisation',
    'Lost communication with HVAC control module',
  ],
  [
    'U0167',
    "Perte de communication avec l'antidémarrage",
    'Lost communication with vehicle immobiliser control module',
  ],
  [
    'U0168',
    'Perte de communication avec le module de sécurité',
    'Lost communication with vehicle security control module',
  ],
  ['U0184', "Perte de communication avec l'autoradio", 'Lost communication with radio'],
  [
    'U0214',
    "Perte de communication avec le module d'accès sans clé",
    'Lost communication with remote function actuation module',
  ],
  [
    'U0235',
    'Perte de communication avec le capteur de régulateur adaptatif',
    'Lost communication with cruise control front distance range sensor',
  ],
  [
    'U0293',
    'Perte de communication avec le module de contrôle hybride',
    'Lost communication with hybrid powertrain control module',
  ],
  [
    'U0300',
    'Incompatibilité logicielle entre calculateurs',
    'Internal control module software incompatibility',
  ],
  ['U0401', 'Données invalides reçues du calculateur moteur', 'Invalid data received from ECM/PCM A'],
  ['U0402', 'Données invalides reçues du calculateur de boîte', 'Invalid data received from TCM'],
  [
    'U0415',
    "Données invalides reçues du module d'ABS",
    'Invalid data received from anti-lock brake system control module',
  ],
  [
    'U0416',
    'Données invalides reçues du module de contrôle de stabilité',
    'Invalid data received from vehicle dynamics control module',
  ],
  [
    'U0422',
    'Données invalides reçues du boîtier de servitude',
    'Invalid data received from body control module',
  ],
  [
    'U0423',
    'Données invalides reçues du combiné d’instruments',
    'Invalid data received from instrument panel cluster control module',
  ],
];
for (const [c, fr, en] of list) put(c, fr, en);

/** Titles by normalised code (`P0301`). */
export const DTC_TITLES: ReadonlyMap<string, Text> = titles;
