/**
 * Name pools for simulated people, as their passports print them (upper-case
 * Latin, the transliteration each country's passports use: ICAO for Russia,
 * Uzbek Latin for Uzbekistan, pinyin for China, no diacritics in the
 * machine-readable zone). Common names, not real individuals. Hand-written
 * reference data: no name-generation library covers Central Asian
 * citizenships with passport spellings and sex-specific surname forms.
 */

/** How a country's surnames change with sex, and how names are built. */
export type SurnameStyle =
  /** -OV/-EV/-IN take -A for women (Russian, Kazakh, Uzbek, Tajik, Kyrgyz, Azerbaijani, Turkmen passports). */
  | 'suffixed'
  /** The same surname for both sexes. */
  | 'invariable';

export interface NamePool {
  readonly male: readonly string[];
  readonly female: readonly string[];
  readonly surnames: readonly string[];
  readonly style: SurnameStyle;
  /**
   * Share of people whose surname is their father's given name with a
   * patronymic particle (Kyrgyz UULU/KYZY, Malay BIN/BINTI) or bare
   * (Mongolian and Chinese-Kazakh passports).
   */
  readonly patronymic?: { readonly share: number; readonly male: string; readonly female: string };
}

// biome-ignore format: the name lists read as rows; Biome would set one name a line.
const KAZAKH_MALE = [
  'NURLAN', 'ASKAR', 'YERLAN', 'DAULET', 'SERIK', 'BAKYTZHAN', 'YERZHAN', 'ARMAN', 'MARAT', 'KAIRAT', 'ZHANDOS',
  'ALMAS', 'BAUYRZHAN', 'DIAS', 'NURBOL', 'TALGAT', 'AZAMAT', 'RUSLAN',
];
// biome-ignore format: the name lists read as rows; Biome would set one name a line.
const KAZAKH_FEMALE = [
  'AIGERIM', 'DINARA', 'GULNUR', 'ZHANAR', 'SAULE', 'AIZHAN', 'AKMARAL', 'DANA', 'MADINA', 'ARUZHAN', 'GULMIRA', 'ASEL',
  'ZHANSAYA', 'AINUR', 'KARLYGASH', 'BOTAGOZ',
];
// biome-ignore format: the name lists read as rows; Biome would set one name a line.
const KAZAKH_SURNAMES = [
  'NURLANOV', 'ZHUMABAEV', 'SADYKOV', 'ISKAKOV', 'BAIMUKHAMEDOV', 'ABENOV', 'OMAROV', 'TOKTAROV', 'KASYMOV',
  'SERIKBAEV', 'ZHAKUPOV', 'AKHMETOV', 'ABDRAKHMANOV', 'MUKHAMEDZHANOV', 'ERMEKOV', 'BEKOV', 'KUANYSHEV', 'TULEUOV',
];

// biome-ignore format: the name lists read as rows; Biome would set one name a line.
export const NAME_POOLS: Readonly<Record<string, NamePool>> = {
  UZB: {
    style: 'suffixed',
    male: [
      'ALISHER', 'BOBUR', 'JASUR', 'SHERZOD', 'OTABEK', 'SARDOR', 'DILSHOD', 'RUSTAM', 'AZIZ', 'BEKZOD', 'ULUGBEK',
      'FARRUX', 'JAVLON', 'SANJAR', 'AKMAL', 'NODIR', 'SHUXRAT', 'ODIL',
    ],
    female: [
      'DILNOZA', 'MALIKA', 'NIGORA', 'GULNORA', 'SHAXNOZA', 'MUXLISA', 'FERUZA', 'ZARINA', 'KAMOLA', 'NILUFAR',
      'SEVARA', 'DILFUZA', 'MOXIRA', 'MUNISA', 'GULCHEHRA', 'YULDUZ',
    ],
    surnames: [
      'ERGASHEV', 'TOSHMATOV', 'RASULOV', 'NAZAROV', 'SAIDOV', 'XOLMATOV', 'ISMOILOV', 'MIRZAYEV', 'ALIMOV', 'USMONOV',
      'SOBIROV', 'YULDASHEV', 'XAMIDOV', 'QODIROV', 'JURAYEV', 'KARIMOV', 'RAXIMOV', 'ABDULLAYEV',
    ],
  },
  TJK: {
    style: 'suffixed',
    male: [
      'FIRDAVS', 'MUHAMMAD', 'SOMON', 'DAVLAT', 'KHURSHED', 'PARVIZ', 'ABDULLO', 'FARHOD', 'SUHROB', 'MANUCHEHR',
      'NOZIM', 'JAMSHED', 'SHAHROM', 'UMED',
    ],
    female: [
      'MADINA', 'ZARINA', 'NIGINA', 'MUNISA', 'FARANGIS', 'TAHMINA', 'SHABNAM', 'MEHRONA', 'SITORA', 'DILBAR',
      'RUKHSHONA', 'GULNORA',
    ],
    // Since 2016 many Tajik surnames take the invariable -ZODA / -FAR instead of -OV.
    surnames: [
      'RAHIMOV', 'SAIDOV', 'NAZAROV', 'SHARIPOV', 'KARIMOV', 'DAVLATOV', 'SAFAROV', 'MIRZOEV', 'KHOLOV', 'QODIROV',
      'RAHIMZODA', 'SHARIFZODA', 'KARIMZODA', 'SAFARZODA', 'MIRZOZODA', 'NAZARZODA',
    ],
  },
  KGZ: {
    style: 'suffixed',
    male: [
      'AZAMAT', 'NURLAN', 'BAKYT', 'ERLAN', 'TALANT', 'ALMAZ', 'KUBAN', 'EMIL', 'DASTAN', 'MIRLAN', 'BEKTUR',
      'NURSULTAN', 'TILEK', 'ULAN',
    ],
    female: [
      'AIGUL', 'AIDA', 'NURIZA', 'ASEL', 'GULNARA', 'CHOLPON', 'AIZADA', 'NAZIRA', 'BEGIMAI', 'ZHYPAR', 'AIPERI',
      'KANYKEI',
    ],
    surnames: [
      'ASANOV', 'TOKTOGULOV', 'ABDYKADYROV', 'SADYKOV', 'ISAKOV', 'ZHUMABAEV', 'OSMONOV', 'TURDUBAEV', 'BAKIROV',
      'MAMATOV', 'SYDYKOV', 'DZHUMAEV',
    ],
    patronymic: { share: 0.2, male: 'UULU', female: 'KYZY' },
  },
  RUS: {
    style: 'suffixed',
    male: [
      'ALEKSANDR', 'SERGEI', 'DMITRII', 'ANDREI', 'ALEKSEI', 'MAKSIM', 'IVAN', 'NIKOLAI', 'VLADIMIR', 'EVGENII',
      'PAVEL', 'ARTEM', 'MIKHAIL', 'DENIS',
    ],
    female: [
      'ELENA', 'OLGA', 'TATIANA', 'NATALIA', 'IRINA', 'SVETLANA', 'ANNA', 'EKATERINA', 'MARIIA', 'IULIIA', 'ANASTASIIA',
      'DARIA',
    ],
    surnames: [
      'IVANOV', 'SMIRNOV', 'KUZNETSOV', 'POPOV', 'VASILEV', 'PETROV', 'SOKOLOV', 'MIKHAILOV', 'NOVIKOV', 'FEDOROV',
      'MOROZOV', 'VOLKOV', 'KOZLOV', 'LEBEDEV', 'ZAKHAROV', 'ORLOV',
    ],
  },
  UKR: {
    style: 'invariable',
    male: [
      'OLEKSANDR', 'ANDRII', 'SERHII', 'VOLODYMYR', 'MYKOLA', 'OLEH', 'DMYTRO', 'IVAN', 'YURII', 'VASYL', 'BOHDAN',
      'TARAS',
    ],
    female: ['OLENA', 'NATALIIA', 'IRYNA', 'OKSANA', 'TETIANA', 'SVITLANA', 'YULIIA', 'KATERYNA', 'HALYNA', 'MARIIA'],
    surnames: [
      'SHEVCHENKO', 'KOVALENKO', 'BONDARENKO', 'TKACHENKO', 'KRAVCHENKO', 'MELNYK', 'BOIKO', 'KOVALCHUK', 'OLIINYK',
      'LYSENKO', 'SHEVCHUK', 'POLISHCHUK', 'MARCHENKO', 'SAVCHENKO',
    ],
  },
  BLR: {
    // Belarusian passports: -OU/-EU for men, -AVA/-EVA for women (see feminineSurname).
    style: 'suffixed',
    male: ['ALIAKSANDR', 'SIARHEI', 'DZMITRY', 'ANDREI', 'IHAR', 'ULADZIMIR', 'PAVEL', 'MIKALAI', 'ALIAKSEI', 'VIKTAR'],
    female: ['VOLHA', 'TATSIANA', 'NATALLIA', 'IRYNA', 'ALENA', 'HANNA', 'VIKTORYIA', 'SVIATLANA', 'YULIYA', 'MARYNA'],
    surnames: [
      'IVANOU', 'KAVALIOU', 'NOVIKAU', 'MAROZAU', 'PETRASHEVICH', 'KAZLOU', 'VASILEUSKI', 'LUKASHEVICH', 'ZHUK',
      'KARPOVICH', 'BARANAU', 'SHAUCHUK',
    ],
  },
  AZE: {
    style: 'suffixed',
    male: [
      'ELVIN', 'RASHAD', 'ORKHAN', 'TURAL', 'ELCHIN', 'RAMIL', 'FARID', 'VUGAR', 'KAMRAN', 'ANAR', 'EMIL', 'NIJAT',
    ],
    female: ['AYTAN', 'LEYLA', 'GUNAY', 'NARMIN', 'SEVINJ', 'AYGUN', 'KONUL', 'NIGAR', 'ULVIYYA', 'SABINA'],
    surnames: [
      'MAMMADOV', 'ALIYEV', 'HASANOV', 'HUSEYNOV', 'GULIYEV', 'ISMAYILOV', 'ABBASOV', 'BABAYEV', 'JAFAROV', 'RZAYEV',
      'SULEYMANOV', 'NAJAFOV',
    ],
  },
  TKM: {
    style: 'suffixed',
    male: ['BEGENCH', 'MERDAN', 'DOVLET', 'SERDAR', 'BAYRAM', 'ATAMYRAT', 'MEKAN', 'BATYR', 'GELDI', 'RUSTAM'],
    female: ['OGULJAN', 'MAYSA', 'AYNA', 'JEREN', 'GULSHAT', 'BAHAR', 'SELBI', 'ENEJAN', 'OGULGEREK', 'AYGUL'],
    surnames: [
      'ATAYEV', 'ORAZOV', 'BERDIYEV', 'ANNAYEV', 'GELDIYEV', 'MYRADOV', 'CHARYYEV', 'HOJAYEV', 'KAKAYEV', 'REJEPOV',
    ],
  },
  ARM: {
    style: 'invariable',
    male: ['ARMEN', 'DAVIT', 'HAYK', 'ARAM', 'NAREK', 'GOR', 'TIGRAN', 'VAHE', 'KAREN', 'ARTUR'],
    female: ['ANI', 'ANNA', 'MARIAM', 'LILIT', 'NARINE', 'GAYANE', 'ARMINE', 'SONA', 'ASTGHIK', 'TATEVIK'],
    surnames: [
      'GRIGORYAN', 'HOVHANNISYAN', 'SARGSYAN', 'KHACHATRYAN', 'HAKOBYAN', 'VARDANYAN', 'PETROSYAN', 'KARAPETYAN',
      'GEVORGYAN', 'MKRTCHYAN',
    ],
  },
  CHN: {
    style: 'invariable',
    male: [
      'WEI', 'QIANG', 'JUN', 'LEI', 'YONG', 'JIE', 'TAO', 'MING', 'HAO', 'JIANGUO', 'ZHIWEI', 'HAIYANG', 'XIAOMING',
      'PENG', 'BIN', 'CHAO',
    ],
    female: [
      'FANG', 'JING', 'LINA', 'YAN', 'XIAOLING', 'MEI', 'HUI', 'YING', 'LING', 'XIN', 'XIUYING', 'YUMEI', 'LIJUAN',
      'HONGMEI',
    ],
    surnames: [
      'WANG', 'LI', 'ZHANG', 'LIU', 'CHEN', 'YANG', 'HUANG', 'ZHAO', 'WU', 'ZHOU', 'XU', 'SUN', 'MA', 'ZHU', 'HU',
      'GUO', 'HE', 'LIN',
    ],
  },
  MNG: {
    style: 'invariable',
    male: [
      'BATBOLD', 'GANBAATAR', 'ERDENEBAT', 'TUMURBAATAR', 'BOLD', 'ENKHBAYAR', 'MUNKHBAT', 'BATBAYAR', 'SUKHBAATAR',
      'OCHIRBAT',
    ],
    female: [
      'OYUNCHIMEG', 'SARANTUYA', 'ENKHTUYA', 'BOLORMAA', 'NARANTSETSEG', 'ALTANTSETSEG', 'UUGANBAYAR', 'KHULAN',
      'ANUJIN', 'SOYOLMAA',
    ],
    surnames: [],
    // Mongolian passports print the father's given name where others print a surname.
    patronymic: { share: 1, male: '', female: '' },
  },
  AFG: {
    style: 'invariable',
    male: [
      'AHMAD', 'MOHAMMAD', 'ABDUL RAHIM', 'NAJIBULLAH', 'FARHAD', 'HAMID', 'SAYED', 'ZABIHULLAH', 'MASOOD', 'JAWED',
    ],
    female: ['FARIDA', 'MARYAM', 'ZAHRA', 'NASRIN', 'FATIMA', 'SHABANA', 'MALALAI', 'SHUKRIA', 'ROYA', 'FROZAN'],
    surnames: ['AHMADZAI', 'KARIMI', 'RAHIMI', 'HAIDARI', 'SAFI', 'NOORI', 'STANIKZAI', 'POPAL', 'WARDAK', 'SADAT'],
  },
  IRN: {
    style: 'invariable',
    male: ['MOHAMMAD', 'ALI', 'REZA', 'HOSSEIN', 'MEHDI', 'AMIR', 'SAEED', 'HAMID', 'MORTEZA', 'BEHZAD'],
    female: ['FATEMEH', 'ZAHRA', 'MARYAM', 'SARA', 'NEDA', 'LEILA', 'MAHSA', 'NASRIN', 'PARISA', 'ELHAM'],
    surnames: [
      'HOSSEINI', 'MOHAMMADI', 'AHMADI', 'REZAEI', 'MOUSAVI', 'KARIMI', 'RAHIMI', 'JAFARI', 'SADEGHI', 'HASHEMI',
      'GHASEMI', 'TEHRANI',
    ],
  },
  TUR: {
    style: 'invariable',
    male: [
      'MEHMET', 'MUSTAFA', 'AHMET', 'ALI', 'HUSEYIN', 'HASAN', 'IBRAHIM', 'MURAT', 'EMRE', 'BURAK', 'OMER', 'YUSUF',
    ],
    female: ['AYSE', 'FATMA', 'EMINE', 'HATICE', 'ZEYNEP', 'ELIF', 'MERVE', 'OZLEM', 'ESRA', 'BUSRA'],
    surnames: [
      'YILMAZ', 'KAYA', 'DEMIR', 'CELIK', 'SAHIN', 'YILDIZ', 'YILDIRIM', 'OZTURK', 'AYDIN', 'OZDEMIR', 'ARSLAN',
      'DOGAN', 'KILIC', 'ASLAN',
    ],
  },
  IND: {
    style: 'invariable',
    male: [
      'RAHUL', 'AMIT', 'RAJESH', 'SURESH', 'VIKRAM', 'ARJUN', 'SANJAY', 'ANIL', 'RAVI', 'DEEPAK', 'KARTHIK', 'MANOJ',
    ],
    female: ['PRIYA', 'ANJALI', 'SUNITA', 'KAVITA', 'NEHA', 'POOJA', 'DIVYA', 'LAKSHMI', 'SNEHA', 'MEENA'],
    surnames: [
      'SHARMA', 'SINGH', 'KUMAR', 'PATEL', 'GUPTA', 'REDDY', 'NAIR', 'IYER', 'DAS', 'MEHTA', 'RAO', 'JOSHI', 'VERMA',
      'PILLAI',
    ],
  },
  PAK: {
    style: 'invariable',
    male: ['MUHAMMAD', 'ALI', 'USMAN', 'BILAL', 'IMRAN', 'KAMRAN', 'FAISAL', 'ASIF', 'ZUBAIR', 'HAMZA'],
    female: ['AYESHA', 'FATIMA', 'SANA', 'HINA', 'SADIA', 'NADIA', 'RABIA', 'MEHWISH', 'SAIMA', 'IQRA'],
    surnames: [
      'KHAN', 'AHMED', 'HUSSAIN', 'MALIK', 'BUTT', 'CHAUDHRY', 'QURESHI', 'SHAH', 'RAZA', 'IQBAL', 'AWAN', 'MIRZA',
    ],
  },
  GBR: {
    style: 'invariable',
    male: [
      'JAMES', 'JOHN', 'DAVID', 'MICHAEL', 'ROBERT', 'THOMAS', 'DANIEL', 'ANDREW', 'PAUL', 'MARK', 'RICHARD', 'OLIVER',
    ],
    female: ['SARAH', 'EMMA', 'CLAIRE', 'LAURA', 'RACHEL', 'HANNAH', 'JESSICA', 'ALICE', 'REBECCA', 'LUCY'],
    surnames: [
      'SMITH', 'JONES', 'WILLIAMS', 'TAYLOR', 'BROWN', 'DAVIES', 'EVANS', 'WILSON', 'THOMAS', 'JOHNSON', 'ROBERTS',
      'WALKER', 'WRIGHT', 'THOMPSON', 'HUGHES', 'GREEN',
    ],
  },
  USA: {
    style: 'invariable',
    male: [
      'MICHAEL', 'CHRISTOPHER', 'MATTHEW', 'JOSHUA', 'DAVID', 'JAMES', 'DANIEL', 'ROBERT', 'JOHN', 'RYAN', 'BRIAN',
      'KEVIN',
    ],
    female: ['JENNIFER', 'JESSICA', 'ASHLEY', 'AMANDA', 'SARAH', 'ELIZABETH', 'MEGAN', 'LAUREN', 'NICOLE', 'STEPHANIE'],
    surnames: [
      'SMITH', 'JOHNSON', 'WILLIAMS', 'BROWN', 'JONES', 'GARCIA', 'MILLER', 'DAVIS', 'RODRIGUEZ', 'MARTINEZ', 'WILSON',
      'ANDERSON', 'MOORE', 'TAYLOR',
    ],
  },
  DEU: {
    style: 'invariable',
    male: ['THOMAS', 'MICHAEL', 'ANDREAS', 'STEFAN', 'MARKUS', 'CHRISTIAN', 'FRANK', 'JUERGEN', 'TOBIAS', 'JAN'],
    female: ['SABINE', 'ANDREA', 'PETRA', 'CLAUDIA', 'KATHARINA', 'JULIA', 'NICOLE', 'STEFANIE', 'MONIKA', 'ANNA'],
    surnames: [
      'MUELLER', 'SCHMIDT', 'SCHNEIDER', 'FISCHER', 'WEBER', 'MEYER', 'WAGNER', 'BECKER', 'SCHULZ', 'HOFFMANN', 'KOCH',
      'RICHTER', 'KLEIN', 'WOLF',
    ],
  },
  ITA: {
    style: 'invariable',
    male: ['MARCO', 'GIUSEPPE', 'ANDREA', 'LUCA', 'FRANCESCO', 'ALESSANDRO', 'MATTEO', 'PAOLO', 'GIOVANNI', 'ROBERTO'],
    female: ['GIULIA', 'FRANCESCA', 'CHIARA', 'SARA', 'VALENTINA', 'ELENA', 'MARTINA', 'ANNA', 'SILVIA', 'FEDERICA'],
    surnames: [
      'ROSSI', 'RUSSO', 'FERRARI', 'ESPOSITO', 'BIANCHI', 'ROMANO', 'COLOMBO', 'RICCI', 'MARINO', 'GRECO', 'BRUNO',
      'GALLO', 'CONTI', 'DE LUCA',
    ],
  },
  FRA: {
    style: 'invariable',
    male: ['JEAN', 'PIERRE', 'NICOLAS', 'JULIEN', 'THOMAS', 'PHILIPPE', 'ANTOINE', 'LAURENT', 'FRANCOIS', 'SEBASTIEN'],
    female: ['MARIE', 'NATHALIE', 'ISABELLE', 'SOPHIE', 'CAMILLE', 'CELINE', 'JULIE', 'AURELIE', 'CLAIRE', 'EMILIE'],
    surnames: [
      'MARTIN', 'BERNARD', 'THOMAS', 'PETIT', 'ROBERT', 'RICHARD', 'DURAND', 'DUBOIS', 'MOREAU', 'LAURENT', 'SIMON',
      'MICHEL', 'LEFEBVRE', 'LEROY',
    ],
  },
  ESP: {
    // Spaniards carry two surnames (father's, then mother's); see surnameFor.
    style: 'invariable',
    male: ['JOSE', 'ANTONIO', 'JAVIER', 'DAVID', 'CARLOS', 'MANUEL', 'FRANCISCO', 'JUAN', 'MIGUEL', 'ALEJANDRO'],
    female: ['MARIA', 'CARMEN', 'LAURA', 'ANA', 'LUCIA', 'ELENA', 'CRISTINA', 'MARTA', 'ISABEL', 'PAULA'],
    surnames: [
      'GARCIA', 'RODRIGUEZ', 'GONZALEZ', 'FERNANDEZ', 'LOPEZ', 'MARTINEZ', 'SANCHEZ', 'PEREZ', 'GOMEZ', 'MARTIN',
      'JIMENEZ', 'RUIZ', 'HERNANDEZ', 'DIAZ',
    ],
  },
  NLD: {
    style: 'invariable',
    male: ['JAN', 'PIETER', 'DANIEL', 'SEM', 'BRAM', 'THIJS', 'RUBEN', 'JEROEN', 'MAARTEN', 'SANDER'],
    female: ['ANNA', 'EMMA', 'SOPHIE', 'LOTTE', 'FLEUR', 'SANNE', 'ANOUK', 'LISA', 'EVA', 'MARLOES'],
    surnames: [
      'DE JONG', 'JANSEN', 'DE VRIES', 'VAN DEN BERG', 'VAN DIJK', 'BAKKER', 'JANSSEN', 'VISSER', 'SMIT', 'MEIJER',
      'DE BOER', 'MULDER',
    ],
  },
  KOR: {
    style: 'invariable',
    male: ['MINJUN', 'SEOJUN', 'JIHOON', 'HYUNWOO', 'SUNGMIN', 'DONGHYUN', 'JAEHYUN', 'YOUNGHO', 'SANGWOO', 'JUNHO'],
    female: ['SEOYEON', 'JIYOUNG', 'MINJI', 'SOYEON', 'HYEJIN', 'EUNJI', 'YUNA', 'JIHYE', 'SUJIN', 'HAEUN'],
    surnames: ['KIM', 'LEE', 'PARK', 'CHOI', 'JUNG', 'KANG', 'CHO', 'YOON', 'JANG', 'LIM', 'HAN', 'SHIN'],
  },
  PHL: {
    style: 'invariable',
    male: ['JOSE', 'JUAN', 'MARK', 'JOHN PAUL', 'MICHAEL', 'RONALDO', 'JOMAR', 'ARNEL', 'RODEL', 'JERICHO'],
    female: ['MARIA', 'MARY GRACE', 'JOCELYN', 'KRISTINE', 'ANGELICA', 'RUBY', 'JENNIFER', 'ROSALIE', 'MARICEL', 'JOY'],
    surnames: [
      'SANTOS', 'REYES', 'CRUZ', 'BAUTISTA', 'OCAMPO', 'GARCIA', 'MENDOZA', 'TORRES', 'DELA CRUZ', 'VILLANUEVA',
      'RAMOS', 'AQUINO',
    ],
  },
  MYS: {
    style: 'invariable',
    male: [
      'MUHAMMAD HAFIZ', 'AHMAD FAIZAL', 'MOHD RIZAL', 'AZLAN', 'HAFIZUDDIN', 'WEI MING', 'KAH LENG', 'CHEE KEONG',
      'RAJ KUMAR', 'SURESH',
    ],
    female: [
      'NUR AIN', 'SITI AMINAH', 'NOR AZIZAH', 'NURUL HUDA', 'FARAH', 'MEI LING', 'SIEW LAN', 'HUI MIN', 'KAVITHA',
      'PRIYA',
    ],
    surnames: ['TAN', 'LIM', 'LEE', 'WONG', 'NG', 'CHONG', 'TEO', 'GOH', 'SUBRAMANIAM', 'MUNIANDY'],
    // Malay names carry the father's name after BIN / BINTI instead of a surname.
    patronymic: { share: 0.55, male: 'BIN', female: 'BINTI' },
  },
  VNM: {
    style: 'invariable',
    male: [
      'VAN HUNG', 'VAN NAM', 'DUC ANH', 'MINH TUAN', 'QUANG HUY', 'VAN DUNG', 'THANH LONG', 'HOANG NAM', 'VAN THANH',
      'DUC MINH',
    ],
    female: [
      'THI HOA', 'THI LAN', 'THI HUONG', 'THU TRANG', 'NGOC ANH', 'THI MAI', 'THI HANG', 'PHUONG LINH', 'THI NGA',
      'THANH HUYEN',
    ],
    surnames: [
      'NGUYEN', 'NGUYEN', 'NGUYEN', 'TRAN', 'LE', 'PHAM', 'HOANG', 'PHAN', 'VU', 'DANG', 'BUI', 'DO', 'HO', 'NGO',
    ],
  },
  KAZ: { style: 'suffixed', male: KAZAKH_MALE, female: KAZAKH_FEMALE, surnames: KAZAKH_SURNAMES },
};

/**
 * Ethnic Kazakhs abroad carry Kazakh names, spelled as their country's
 * passports spell them: Uzbek Latin (J for ZH, X for KH), pinyin of the
 * Chinese-character transcription with the father's name as surname, the
 * Mongolian patronymic, Turkish spelling, or Russian-style transliteration.
 */
export const KAZAKH_NAMES = { male: KAZAKH_MALE, female: KAZAKH_FEMALE, surnames: KAZAKH_SURNAMES } as const;

/** Kazakh names as Chinese documents give them (pinyin of the Chinese transcription). */
export const KAZAKH_NAMES_IN_PINYIN = {
  male: [
    'NUERLAN',
    'ASIHAER',
    'YEERLAN',
    'SAIRIKE',
    'DAWULIETI',
    'BAHETIJIANG',
    'KAYIRATI',
    'MALATI',
    'JIANABIER',
    'HAILATI',
    'ADILI',
    'SAILIKE',
  ],
  female: ['AYIGELIMU', 'GULINUER', 'DINALA', 'SAWULE', 'JIANAER', 'AYIDANA', 'MADINA', 'ALIYA', 'GULIMILA', 'AHEMALI'],
} as const;
