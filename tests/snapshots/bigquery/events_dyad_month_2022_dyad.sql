SELECT
  `t4`.`p`,
  COUNT(*) AS `events`,
  SUM(
    IF(
      (
        `t4`.`goldstein` IS NOT NULL
      ) AND (
        `t4`.`w` IS NOT NULL
      ),
      `t4`.`goldstein` * `t4`.`w`,
      NULL
    )
  ) AS `g_num`,
  SUM(
    IF((
      `t4`.`goldstein` IS NOT NULL
    ) AND (
      `t4`.`w` IS NOT NULL
    ), `t4`.`w`, NULL)
  ) AS `g_den`,
  SUM(
    IF(
      (
        `t4`.`avg_tone` IS NOT NULL
      ) AND (
        `t4`.`w` IS NOT NULL
      ),
      `t4`.`avg_tone` * `t4`.`w`,
      NULL
    )
  ) AS `t_num`,
  SUM(
    IF((
      `t4`.`avg_tone` IS NOT NULL
    ) AND (
      `t4`.`w` IS NOT NULL
    ), `t4`.`w`, NULL)
  ) AS `t_den`,
  AVG(CAST(`t4`.`quad_class` = 1 AS FLOAT64)) AS `q1`,
  AVG(CAST(`t4`.`quad_class` = 2 AS FLOAT64)) AS `q2`,
  AVG(CAST(`t4`.`quad_class` = 3 AS FLOAT64)) AS `q3`,
  AVG(CAST(`t4`.`quad_class` = 4 AS FLOAT64)) AS `q4`
FROM (
  SELECT
    `t3`.`source`,
    `t3`.`event_id`,
    `t3`.`date`,
    `t3`.`actor_a`,
    `t3`.`actor_b`,
    `t3`.`cameo`,
    `t3`.`root_code`,
    `t3`.`is_root`,
    `t3`.`quad_class`,
    `t3`.`goldstein`,
    `t3`.`mentions`,
    `t3`.`sources`,
    `t3`.`articles`,
    `t3`.`avg_tone`,
    `t3`.`file`,
    DATE_TRUNC(`t3`.`date`, MONTH) AS `p`,
    CAST(`t3`.`mentions` AS FLOAT64) AS `w`
  FROM (
    SELECT
      `t2`.`event_id`,
      ARRAY_AGG(`t2`.`source` IGNORE NULLS
      LIMIT 1)[safe_offset(0)] AS `source`,
      ARRAY_AGG(`t2`.`date` IGNORE NULLS
      LIMIT 1)[safe_offset(0)] AS `date`,
      ARRAY_AGG(`t2`.`actor_a` IGNORE NULLS
      LIMIT 1)[safe_offset(0)] AS `actor_a`,
      ARRAY_AGG(`t2`.`actor_b` IGNORE NULLS
      LIMIT 1)[safe_offset(0)] AS `actor_b`,
      ARRAY_AGG(`t2`.`cameo` IGNORE NULLS
      LIMIT 1)[safe_offset(0)] AS `cameo`,
      ARRAY_AGG(`t2`.`root_code` IGNORE NULLS
      LIMIT 1)[safe_offset(0)] AS `root_code`,
      ARRAY_AGG(`t2`.`is_root` IGNORE NULLS
      LIMIT 1)[safe_offset(0)] AS `is_root`,
      ARRAY_AGG(`t2`.`quad_class` IGNORE NULLS
      LIMIT 1)[safe_offset(0)] AS `quad_class`,
      ARRAY_AGG(`t2`.`goldstein` IGNORE NULLS
      LIMIT 1)[safe_offset(0)] AS `goldstein`,
      ARRAY_AGG(`t2`.`mentions` IGNORE NULLS
      LIMIT 1)[safe_offset(0)] AS `mentions`,
      ARRAY_AGG(`t2`.`sources` IGNORE NULLS
      LIMIT 1)[safe_offset(0)] AS `sources`,
      ARRAY_AGG(`t2`.`articles` IGNORE NULLS
      LIMIT 1)[safe_offset(0)] AS `articles`,
      ARRAY_AGG(`t2`.`avg_tone` IGNORE NULLS
      LIMIT 1)[safe_offset(0)] AS `avg_tone`,
      ARRAY_AGG(`t2`.`file` IGNORE NULLS
      LIMIT 1)[safe_offset(0)] AS `file`
    FROM (
      SELECT
        *
      FROM (
        SELECT
          'gdelt' AS `source`,
          `t0`.`GLOBALEVENTID` AS `event_id`,
          PARSE_DATE('%Y%m%d', CAST(`t0`.`SQLDATE` AS STRING)) AS `date`,
          CASE
            WHEN `t0`.`Actor1CountryCode` IN (
              'ABW',
              'AFG',
              'AGO',
              'AIA',
              'ALA',
              'ALB',
              'AND',
              'ARE',
              'ARG',
              'ARM',
              'ASM',
              'ATA',
              'ATF',
              'ATG',
              'AUH',
              'AUS',
              'AUT',
              'AZE',
              'BAD',
              'BAV',
              'BDI',
              'BEL',
              'BEN',
              'BES',
              'BFA',
              'BGD',
              'BGR',
              'BHR',
              'BHS',
              'BIH',
              'BLM',
              'BLR',
              'BLZ',
              'BMU',
              'BOL',
              'BRA',
              'BRB',
              'BRN',
              'BTN',
              'BVT',
              'BWA',
              'CAF',
              'CAN',
              'CCK',
              'CHE',
              'CHL',
              'CHN',
              'CIV',
              'CMR',
              'COD',
              'COG',
              'COK',
              'COL',
              'COM',
              'CPV',
              'CRI',
              'CSK',
              'CUB',
              'CUW',
              'CXR',
              'CYM',
              'CYP',
              'CZE',
              'DDR',
              'DEU',
              'DJI',
              'DMA',
              'DNK',
              'DOM',
              'DZA',
              'ECU',
              'EGY',
              'ERI',
              'ESH',
              'ESP',
              'EST',
              'ETH',
              'FIN',
              'FJI',
              'FLK',
              'FRA',
              'FRO',
              'FSM',
              'GAB',
              'GBR',
              'GEO',
              'GGY',
              'GHA',
              'GIB',
              'GIN',
              'GLP',
              'GMB',
              'GNB',
              'GNQ',
              'GRC',
              'GRD',
              'GRL',
              'GTM',
              'GUF',
              'GUM',
              'GUY',
              'HAN',
              'HKG',
              'HMD',
              'HND',
              'HRV',
              'HSE',
              'HSG',
              'HTI',
              'HUN',
              'IDN',
              'IMN',
              'IND',
              'IOT',
              'IRL',
              'IRN',
              'IRQ',
              'ISL',
              'ISR',
              'ITA',
              'JAM',
              'JEY',
              'JOR',
              'JPN',
              'KAZ',
              'KEN',
              'KGZ',
              'KHM',
              'KIR',
              'KNA',
              'KOR',
              'KWT',
              'LAO',
              'LBN',
              'LBR',
              'LBY',
              'LCA',
              'LIE',
              'LKA',
              'LSO',
              'LTU',
              'LUX',
              'LVA',
              'MAC',
              'MAF',
              'MAR',
              'MCO',
              'MDA',
              'MDG',
              'MDV',
              'MEC',
              'MEX',
              'MHL',
              'MKD',
              'MLI',
              'MLT',
              'MMR',
              'MNE',
              'MNG',
              'MNP',
              'MOD',
              'MOZ',
              'MRT',
              'MSR',
              'MTQ',
              'MUS',
              'MWI',
              'MYS',
              'MYT',
              'NAM',
              'NCL',
              'NER',
              'NFK',
              'NGA',
              'NIC',
              'NIU',
              'NLD',
              'NOR',
              'NPL',
              'NRU',
              'NZL',
              'OMN',
              'PAK',
              'PAN',
              'PAP',
              'PCN',
              'PER',
              'PHL',
              'PLW',
              'PMA',
              'PNG',
              'POL',
              'PRI',
              'PRK',
              'PRT',
              'PRY',
              'PSE',
              'PYF',
              'QAT',
              'REU',
              'ROU',
              'RUS',
              'RVN',
              'RWA',
              'SAU',
              'SAX',
              'SDN',
              'SEN',
              'SGP',
              'SGS',
              'SHN',
              'SIC',
              'SJM',
              'SLB',
              'SLE',
              'SLV',
              'SMR',
              'SOM',
              'SPM',
              'SRB',
              'SSD',
              'STP',
              'SUR',
              'SVK',
              'SVN',
              'SWE',
              'SWZ',
              'SXM',
              'SYC',
              'SYR',
              'TCA',
              'TCD',
              'TGO',
              'THA',
              'TJK',
              'TKL',
              'TKM',
              'TLS',
              'TON',
              'TTO',
              'TUN',
              'TUR',
              'TUS',
              'TUV',
              'TWN',
              'TZA',
              'UGA',
              'UKR',
              'UMI',
              'URY',
              'USA',
              'UZB',
              'VAT',
              'VCT',
              'VEN',
              'VGB',
              'VIR',
              'VNM',
              'VUT',
              'WLF',
              'WRT',
              'WSM',
              'XKX',
              'YAR',
              'YEM',
              'YMD',
              'ZAF',
              'ZAN',
              'ZMB',
              'ZWE'
            )
            THEN `t0`.`Actor1CountryCode`
            WHEN `t0`.`Actor1CountryCode` = 'BUR'
            THEN 'MMR'
            WHEN `t0`.`Actor1CountryCode` = 'GZS'
            THEN 'PSE'
            WHEN `t0`.`Actor1CountryCode` = 'KSV'
            THEN 'XKX'
            WHEN `t0`.`Actor1CountryCode` = 'ROM'
            THEN 'ROU'
            WHEN `t0`.`Actor1CountryCode` = 'SCG'
            THEN 'SRB'
            WHEN `t0`.`Actor1CountryCode` = 'TMP'
            THEN 'TLS'
            WHEN `t0`.`Actor1CountryCode` = 'UK'
            THEN 'GBR'
            WHEN `t0`.`Actor1CountryCode` = 'WSB'
            THEN 'PSE'
            WHEN `t0`.`Actor1CountryCode` = 'YUG'
            THEN 'SRB'
            WHEN `t0`.`Actor1CountryCode` = 'ZAR'
            THEN 'COD'
            ELSE CAST(NULL AS STRING)
          END AS `actor_a`,
          CASE
            WHEN `t0`.`Actor2CountryCode` IN (
              'ABW',
              'AFG',
              'AGO',
              'AIA',
              'ALA',
              'ALB',
              'AND',
              'ARE',
              'ARG',
              'ARM',
              'ASM',
              'ATA',
              'ATF',
              'ATG',
              'AUH',
              'AUS',
              'AUT',
              'AZE',
              'BAD',
              'BAV',
              'BDI',
              'BEL',
              'BEN',
              'BES',
              'BFA',
              'BGD',
              'BGR',
              'BHR',
              'BHS',
              'BIH',
              'BLM',
              'BLR',
              'BLZ',
              'BMU',
              'BOL',
              'BRA',
              'BRB',
              'BRN',
              'BTN',
              'BVT',
              'BWA',
              'CAF',
              'CAN',
              'CCK',
              'CHE',
              'CHL',
              'CHN',
              'CIV',
              'CMR',
              'COD',
              'COG',
              'COK',
              'COL',
              'COM',
              'CPV',
              'CRI',
              'CSK',
              'CUB',
              'CUW',
              'CXR',
              'CYM',
              'CYP',
              'CZE',
              'DDR',
              'DEU',
              'DJI',
              'DMA',
              'DNK',
              'DOM',
              'DZA',
              'ECU',
              'EGY',
              'ERI',
              'ESH',
              'ESP',
              'EST',
              'ETH',
              'FIN',
              'FJI',
              'FLK',
              'FRA',
              'FRO',
              'FSM',
              'GAB',
              'GBR',
              'GEO',
              'GGY',
              'GHA',
              'GIB',
              'GIN',
              'GLP',
              'GMB',
              'GNB',
              'GNQ',
              'GRC',
              'GRD',
              'GRL',
              'GTM',
              'GUF',
              'GUM',
              'GUY',
              'HAN',
              'HKG',
              'HMD',
              'HND',
              'HRV',
              'HSE',
              'HSG',
              'HTI',
              'HUN',
              'IDN',
              'IMN',
              'IND',
              'IOT',
              'IRL',
              'IRN',
              'IRQ',
              'ISL',
              'ISR',
              'ITA',
              'JAM',
              'JEY',
              'JOR',
              'JPN',
              'KAZ',
              'KEN',
              'KGZ',
              'KHM',
              'KIR',
              'KNA',
              'KOR',
              'KWT',
              'LAO',
              'LBN',
              'LBR',
              'LBY',
              'LCA',
              'LIE',
              'LKA',
              'LSO',
              'LTU',
              'LUX',
              'LVA',
              'MAC',
              'MAF',
              'MAR',
              'MCO',
              'MDA',
              'MDG',
              'MDV',
              'MEC',
              'MEX',
              'MHL',
              'MKD',
              'MLI',
              'MLT',
              'MMR',
              'MNE',
              'MNG',
              'MNP',
              'MOD',
              'MOZ',
              'MRT',
              'MSR',
              'MTQ',
              'MUS',
              'MWI',
              'MYS',
              'MYT',
              'NAM',
              'NCL',
              'NER',
              'NFK',
              'NGA',
              'NIC',
              'NIU',
              'NLD',
              'NOR',
              'NPL',
              'NRU',
              'NZL',
              'OMN',
              'PAK',
              'PAN',
              'PAP',
              'PCN',
              'PER',
              'PHL',
              'PLW',
              'PMA',
              'PNG',
              'POL',
              'PRI',
              'PRK',
              'PRT',
              'PRY',
              'PSE',
              'PYF',
              'QAT',
              'REU',
              'ROU',
              'RUS',
              'RVN',
              'RWA',
              'SAU',
              'SAX',
              'SDN',
              'SEN',
              'SGP',
              'SGS',
              'SHN',
              'SIC',
              'SJM',
              'SLB',
              'SLE',
              'SLV',
              'SMR',
              'SOM',
              'SPM',
              'SRB',
              'SSD',
              'STP',
              'SUR',
              'SVK',
              'SVN',
              'SWE',
              'SWZ',
              'SXM',
              'SYC',
              'SYR',
              'TCA',
              'TCD',
              'TGO',
              'THA',
              'TJK',
              'TKL',
              'TKM',
              'TLS',
              'TON',
              'TTO',
              'TUN',
              'TUR',
              'TUS',
              'TUV',
              'TWN',
              'TZA',
              'UGA',
              'UKR',
              'UMI',
              'URY',
              'USA',
              'UZB',
              'VAT',
              'VCT',
              'VEN',
              'VGB',
              'VIR',
              'VNM',
              'VUT',
              'WLF',
              'WRT',
              'WSM',
              'XKX',
              'YAR',
              'YEM',
              'YMD',
              'ZAF',
              'ZAN',
              'ZMB',
              'ZWE'
            )
            THEN `t0`.`Actor2CountryCode`
            WHEN `t0`.`Actor2CountryCode` = 'BUR'
            THEN 'MMR'
            WHEN `t0`.`Actor2CountryCode` = 'GZS'
            THEN 'PSE'
            WHEN `t0`.`Actor2CountryCode` = 'KSV'
            THEN 'XKX'
            WHEN `t0`.`Actor2CountryCode` = 'ROM'
            THEN 'ROU'
            WHEN `t0`.`Actor2CountryCode` = 'SCG'
            THEN 'SRB'
            WHEN `t0`.`Actor2CountryCode` = 'TMP'
            THEN 'TLS'
            WHEN `t0`.`Actor2CountryCode` = 'UK'
            THEN 'GBR'
            WHEN `t0`.`Actor2CountryCode` = 'WSB'
            THEN 'PSE'
            WHEN `t0`.`Actor2CountryCode` = 'YUG'
            THEN 'SRB'
            WHEN `t0`.`Actor2CountryCode` = 'ZAR'
            THEN 'COD'
            ELSE CAST(NULL AS STRING)
          END AS `actor_b`,
          `t0`.`EventCode` AS `cameo`,
          `t0`.`EventRootCode` AS `root_code`,
          `t0`.`IsRootEvent` = 1 AS `is_root`,
          CAST(`t0`.`QuadClass` AS INT64) AS `quad_class`,
          `t0`.`GoldsteinScale` AS `goldstein`,
          CAST(`t0`.`NumMentions` AS INT64) AS `mentions`,
          CAST(`t0`.`NumSources` AS INT64) AS `sources`,
          CAST(`t0`.`NumArticles` AS INT64) AS `articles`,
          `t0`.`AvgTone` AS `avg_tone`,
          CONCAT(CAST(`t0`.`DATEADDED` AS STRING), '.export.CSV') AS `file`
        FROM `gdelt-bq`.`gdeltv2`.`events_partitioned` AS `t0`
        WHERE
          `t0`.`SQLDATE` >= 20220101
          AND `t0`.`SQLDATE` <= 20221231
          AND `t0`.`_PARTITIONTIME` >= TIMESTAMP('2022-01-01T00:00:00+00:00')
          AND `t0`.`_PARTITIONTIME` < TIMESTAMP('2023-02-01T00:00:00+00:00')
      ) AS `t1`
      WHERE
        (
          (
            `t1`.`actor_a` IS NOT NULL
          ) OR (
            `t1`.`actor_b` IS NOT NULL
          )
        )
        AND `t1`.`date` >= DATE(2022, 1, 1)
        AND `t1`.`date` <= DATE(2022, 12, 31)
        AND (
          (
            (
              `t1`.`actor_a` = 'CHN'
            ) AND (
              `t1`.`actor_b` = 'RUS'
            )
          )
          OR (
            (
              `t1`.`actor_a` = 'RUS'
            ) AND (
              `t1`.`actor_b` = 'CHN'
            )
          )
        )
    ) AS `t2`
    GROUP BY
      1
  ) AS `t3`
) AS `t4`
GROUP BY
  1
