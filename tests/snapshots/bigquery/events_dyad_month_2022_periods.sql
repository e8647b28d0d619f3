SELECT
  *
FROM (
  SELECT DISTINCT
    DATE_TRUNC(`t0`.`date`, MONTH) AS `p`
  FROM `my-project`.`dyadwatch`.`events` AS `t0`
  WHERE
    `t0`.`date` >= DATE(2022, 1, 1) AND `t0`.`date` <= DATE(2022, 12, 31)
) AS `t1`
ORDER BY
  `t1`.`p` ASC NULLS LAST
