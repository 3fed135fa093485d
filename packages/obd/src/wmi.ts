/**
 * World manufacturer identifiers (VIN positions 1–3), the project's own table of facts. European
 * makers are listed completely as far as the workshop meets them; the rest covers the makes sold in
 * Europe and North America. A WMI ending in 9 belongs to a small maker whose identity continues in
 * positions 12–14: those are listed by their first three characters only.
 */

const RAW = `
VF1 Renault|VF2 Renault|VF3 Peugeot|VF4 Talbot|VF6 Renault Trucks|VF7 Citroën|VF8 Matra|VF9 Bugatti
VFA Alpine|VNK Toyota (France)|VNV Nissan (France)|VR1 DS Automobiles|VR3 Peugeot|VR7 Citroën
VXK Opel (Stellantis)|
VSS SEAT|VSE Santana / Suzuki (Spain)|VSK Nissan (Spain)|VS5 Renault (Spain)|VS6 Ford (Spain)|VS7 Citroën (Spain)
VS9 Carrocerias Ayats|VSX Opel (Spain)|VWV Volkswagen (Spain)|VWA Nissan (Spain)|VX1 Zastava / Yugo
WVW Volkswagen|WV1 Volkswagen Commercial Vehicles|WV2 Volkswagen Bus / Van|WV3 Volkswagen Trucks|WVG Volkswagen SUV
WAU Audi|WA1 Audi SUV|WUA Audi Sport (quattro GmbH)|WBA BMW|WBS BMW M|WBX BMW SUV|WBY BMW i|WMW MINI|WBW BMW Motorrad
WB1 BMW Motorrad|WB3 BMW (India)|WDB Mercedes-Benz|WDC Mercedes-Benz SUV|WDD Mercedes-Benz|WDF Mercedes-Benz Vans
WDA Mercedes-Benz Trucks|WD3 Mercedes-Benz Sprinter|WD4 Mercedes-Benz Sprinter|WMX Mercedes-AMG|WME smart|WMA MAN
WKK Setra|WKE Krone|WP0 Porsche|WP1 Porsche SUV|W0L Opel|W0V Opel|W0S Opel Special Vehicles|WF0 Ford (Germany)
WF1 Merkur|W1K Mercedes-Benz|W1N Mercedes-Benz SUV|W1V Mercedes-Benz Vans|W1W Mercedes-Benz Sprinter|W1T Mercedes-Benz Trucks
WAG Neoplan|WJM Iveco Magirus|WEB Evobus|WSM Schmitz Cargobull|W09 Small German maker (RUF, Gumpert …)
WZ1 Toyota Supra (Magna Steyr)|WAP Alpina
ZFA Fiat|ZFC Fiat Commercial|ZFD Fiat|ZFF Ferrari|ZAR Alfa Romeo|ZLA Lancia|ZAM Maserati|ZHW Lamborghini
ZCF Iveco|ZCG Cagiva / MV Agusta|ZDM Ducati|ZD4 Aprilia|ZAP Piaggio / Vespa|ZGU Moto Guzzi|ZBN Benelli
ZKH Husqvarna (Italy)|ZCN Astra (Iveco)|ZA9 Small Italian maker (Pagani, Dallara …)|ZJT Italjet|ZFB Fiat (Brazil export)
ZPB Lamborghini SUV|ZN6 Maserati SUV|ZAS Alfa Romeo (Stellantis)|ZGA Iveco Bus
TMB Škoda|TMA Hyundai (Czech Republic)|TMK Karosa|TMT Tatra|TNE Tatra|TK9 SOR|TRU Audi (Hungary)|TSM Suzuki (Hungary)
TSE Ikarus|TCC Micro Compact Car (smart)|TW1 Toyota Caetano (Portugal)|TYA Mitsubishi Fuso (Portugal)
UU1 Dacia|UU3 ARO|UU6 Daewoo (Romania)|UZT UTB|U5Y Kia (Slovakia)|U6Y Kia (Slovakia)|U6A Volkswagen (Slovakia)
VA0 ÖAF|VAN MAN (Austria)|VAV Schwarzmüller|VBK KTM|VCF Fisker (Magna Steyr)|VG0 Magna Steyr
YV1 Volvo Cars|YV4 Volvo Cars SUV|YV2 Volvo Trucks|YV3 Volvo Buses|YS2 Scania|YS3 Saab|YS4 Scania Bus|YTN Saab NEVS
YK1 Saab-Valmet (Finland)|YH2 BRP Lynx|YCM Mazda (Belgium)|YBW Volkswagen (Belgium)|YE2 Van Hool|YAR Toyota (Belgium)
XLB Volvo Cars (Netherlands)|XLE Scania (Netherlands)|XLR DAF Trucks|XL9 Spyker|XMC Mitsubishi (NedCar)|XMG VDL Bus
XTA Lada (AvtoVAZ)|XTT UAZ|XTH GAZ|XTC KAMAZ|X7L Renault (Russia)|X7M Hyundai (Russia)|XW8 Volkswagen (Russia)|X4X BMW (Russia)
XUF Chevrolet (Russia)|X9F Ford (Russia)|Z94 Hyundai (Russia)|XWB Daewoo (Uzbekistan, Russia)
SAL Land Rover|SAJ Jaguar|SAR Rover|SAT Triumph|SAX Austin-Rover|SCA Rolls-Royce|SCB Bentley|SCC Lotus|SCF Aston Martin
SCE DeLorean|SFD Alexander Dennis|SHH Honda (UK)|SHS Honda (UK)|SJN Nissan (UK)|SKF Vauxhall|SMT Triumph Motorcycles
SB1 Toyota (UK)|SAD Jaguar SUV|SDB Peugeot (UK)|SFA Ford (UK)|SBM McLaren|SAH Honda (UK)|SCK Ifor Williams
SUF Fiat (Poland)|SUL FSC (Poland)|SUP FSO / Daewoo-FSO|SU9 Solaris|SUU Solaris Bus|SWV Volkswagen (Poland)
KMH Hyundai|KMF Hyundai Van|KM8 Hyundai SUV|KMJ Hyundai Bus|KNA Kia|KNC Kia Commercial|KND Kia SUV|KNM Renault Samsung
KPA SsangYong|KPT SsangYong|KL1 GM Daewoo / Chevrolet|KLA Daewoo|KLY Daewoo|KMT Genesis|KMU Genesis
JHM Honda|JHL Honda SUV|JH2 Honda Motorcycles|JH4 Acura|JT2 Toyota|JT3 Toyota SUV|JT4 Toyota Truck|JTD Toyota|JTE Toyota
JTH Lexus|JTJ Lexus SUV|JTK Toyota (Scion)|JTM Toyota SUV|JTN Toyota|JN1 Nissan|JN8 Nissan SUV|JNK Infiniti|JNR Infiniti SUV
JM1 Mazda|JM3 Mazda SUV|JMZ Mazda (Europe)|JF1 Subaru|JF2 Subaru SUV|JS1 Suzuki Motorcycles|JS2 Suzuki|JS3 Suzuki SUV
JSA Suzuki|JMB Mitsubishi|JMY Mitsubishi|JA3 Mitsubishi|JA4 Mitsubishi SUV|JYA Yamaha|JKA Kawasaki|JAL Isuzu Trucks
JAA Isuzu|JDA Daihatsu|JMA Mitsubishi (Europe)|JT1 Toyota|JT6 Lexus SUV|JT8 Lexus|JNA Nissan Diesel / UD Trucks
1G1 Chevrolet|1G4 Buick|1G6 Cadillac|1GC Chevrolet Truck|1GT GMC Truck|1GK GMC SUV|1GN Chevrolet SUV|1GY Cadillac SUV
1FA Ford|1FB Ford Van|1FC Ford Chassis|1FD Ford Truck|1FM Ford SUV|1FT Ford Truck|1FU Freightliner|1FV Freightliner
1LN Lincoln|1ME Mercury|1C3 Chrysler|1C4 Jeep / Chrysler SUV|1C6 Ram|1D3 Dodge Truck|1D7 Dodge Truck|1J4 Jeep
1J8 Jeep|1B3 Dodge|1N4 Nissan (USA)|1N6 Nissan Truck (USA)|1HG Honda (USA)|1HD Harley-Davidson|1M8 Motor Coach Industries
1NX Toyota (NUMMI)|1VW Volkswagen (USA)|1YV Mazda (USA)|1ZV Ford / Mazda (USA)|1XK Kenworth|1XP Peterbilt|1GB Chevrolet Incomplete
2G1 Chevrolet (Canada)|2G2 Pontiac (Canada)|2FA Ford (Canada)|2FM Ford SUV (Canada)|2FT Ford Truck (Canada)|2HG Honda (Canada)
2HK Honda SUV (Canada)|2HM Hyundai (Canada)|2T1 Toyota (Canada)|2T2 Lexus (Canada)|2T3 Toyota SUV (Canada)|2C3 Chrysler (Canada)
2C4 Chrysler SUV (Canada)|2D3 Dodge (Canada)|2LM Lincoln SUV (Canada)|2A4 Chrysler (Canada)|2B3 Dodge (Canada)|2GN Chevrolet SUV (Canada)
3FA Ford (Mexico)|3FE Ford Truck (Mexico)|3G1 Chevrolet (Mexico)|3GN Chevrolet SUV (Mexico)|3HG Honda (Mexico)|3N1 Nissan (Mexico)
3N6 Nissan Truck (Mexico)|3VW Volkswagen (Mexico)|3KP Kia (Mexico)|3MZ Mazda (Mexico)|3C4 Chrysler (Mexico)|3C6 Ram (Mexico)
3D7 Dodge Truck (Mexico)|3TM Toyota Truck (Mexico)|3MW BMW (Mexico)|3LN Lincoln (Mexico)|3GT GMC Truck (Mexico)
4T1 Toyota (USA)|4T3 Toyota SUV (USA)|4T4 Toyota (USA)|4S3 Subaru (USA)|4S4 Subaru SUV (USA)|4JG Mercedes-Benz SUV (USA)
4US BMW (USA)|4M2 Mercury|4A3 Mitsubishi (USA)|4F2 Mazda (USA)|4V4 Volvo Trucks (USA)
5YJ Tesla|7SA Tesla|LRW Tesla (China)|XP7 Tesla (Germany)|5UX BMW SUV (USA)|5UM BMW M SUV (USA)|5FN Honda SUV (USA)
5J6 Honda SUV (USA)|5J8 Acura SUV (USA)|5N1 Nissan SUV (USA)|5NP Hyundai (USA)|5NM Hyundai SUV (USA)|5XY Kia (USA)
5TD Toyota SUV (USA)|5TF Toyota Truck (USA)|5L1 Lincoln SUV|5LM Lincoln SUV|5GA Buick SUV|5GZ Saturn|5YM BMW M (USA)
6FP Ford (Australia)|6G1 Holden|6G2 Pontiac (Australia)|6H8 Holden|6MM Mitsubishi (Australia)|6T1 Toyota (Australia)
9BW Volkswagen (Brazil)|9BG Chevrolet (Brazil)|9BD Fiat (Brazil)|9BF Ford (Brazil)|9BH Hyundai (Brazil)|9BM Mercedes-Benz (Brazil)
9BR Toyota (Brazil)|93H Honda (Brazil)|93Y Renault (Brazil)|935 Citroën (Brazil)|936 Peugeot (Brazil)|9C2 Honda Motorcycles (Brazil)
8AP Fiat (Argentina)|8AD Peugeot (Argentina)|8AG Chevrolet (Argentina)|8AJ Toyota (Argentina)|8A1 Renault (Argentina)|8AF Ford (Argentina)
8AW Volkswagen (Argentina)|8AC Mercedes-Benz (Argentina)
AAV Volkswagen (South Africa)|AFA Ford (South Africa)|ADM General Motors (South Africa)|AHT Toyota (South Africa)|ADN Nissan (South Africa)
MA1 Mahindra|MA3 Suzuki (India)|MAL Hyundai (India)|MAJ Ford (India)|MAT Tata|MAK Honda (India)|MBH Suzuki (India)|MBJ Toyota (India)
MEE Renault (India)|MEX Volkswagen (India)|MCA Fiat (India)|MNB Ford (Thailand)|MMA Mitsubishi (Thailand)|MMB Mitsubishi (Thailand)
MM7 Mazda (Thailand)|MNT Nissan (Thailand)|MR0 Toyota (Thailand)|MRH Honda (Thailand)|MPA Isuzu (Thailand)|MHR Honda (Indonesia)
MMC Mitsubishi (Thailand)|MHF Toyota (Indonesia)
LFV FAW-Volkswagen|LSV SAIC Volkswagen|LBV BMW Brilliance|LE4 Beijing Benz|LDC Dongfeng Peugeot-Citroën|LGB Dongfeng Nissan
LHG GAC Honda|LVS Changan Ford|LVG GAC Toyota|LSG SAIC General Motors|LSJ SAIC MG|LJ1 JAC|LGX BYD|LC0 BYD|LYV Volvo (China)
LRB Buick (China)|LPA Polestar|L6T Geely|LB3 Geely|LNB BAIC|LVV Chery|LWV GAC Fiat|LJD Dongfeng Kia|LUR Chery Jaguar Land Rover
LBE Beijing Hyundai|LFM FAW Toyota|LDY Zhongtong Bus|LZG Shaanxi|LMG GAC Motor|LVR Changan Mazda|LSF SAIC Maxus|LUZ Hozon (Neta)
LRW Tesla (China)|LNA GAC Aion|LB1 Great Wall / ORA|LGW Great Wall|LS5 Changan|LXV Seres|LZW SAIC-GM-Wuling|LK6 Leapmotor
LNN Chery (Omoda)|LDP Dongfeng (Voyah)|HJR Aiways|HGL Lynk & Co|HRV Lynk & Co
NM0 Ford Otosan (Turkey)|NM4 Tofaş (Turkey)|NMT Toyota (Turkey)|NLA Honda (Turkey)|NLE Mercedes-Benz Türk|NLH Hyundai Assan|NMB Mercedes-Benz Türk
NLT TEMSA|NL1 TOGG|NMA MAN Türkiye|VLU Scania (France)|VN1 Renault (SOVAB)|VNH Nissan (France)
PL1 Proton|PM1 BMW (Malaysia)|PMH Honda (Malaysia)|PN8 Nissan (Malaysia)|RFB Kymco|RFG SYM|RL4 Toyota (Vietnam)
`;

const table = new Map<string, string>();
for (const line of RAW.trim().split('\n')) {
  for (const entry of line.split('|')) {
    const e = entry.trim();
    if (!e) continue;
    const wmi = e.slice(0, 3);
    // First entry wins: a code repeated on purpose later in the text must not silently change.
    if (!table.has(wmi)) table.set(wmi, e.slice(4).trim());
  }
}

/** Manufacturer by WMI. */
export const WMIS: ReadonlyMap<string, string> = table;

export function manufacturerOf(wmi: string): string | undefined {
  return table.get(wmi.toUpperCase());
}
